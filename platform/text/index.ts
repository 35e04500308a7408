export { csvCell, csvLine } from './csv.ts';
export type { ErasableTable, ErasureChange, ErasureSubject } from './erase-subject.ts';
export { eraseSubjectIn, subjectPattern } from './erase-subject.ts';
export { describeUnsafeText, findUnsafeText, isUnsafeText, replaceUnsafeText, replaceUnsafeTextDeep, unsafeText } from './unsafe-text.ts';
