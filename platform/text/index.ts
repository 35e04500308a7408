export { describeUnsafeText, findUnsafeText, isUnsafeText, replaceUnsafeText, replaceUnsafeTextDeep, unsafeText } from './unsafe-text.ts';
