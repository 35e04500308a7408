// The notices room's surface: what other rooms and parts use of it.
export { approveNotice } from './approve-notice.ts';
export { DraftNoticeInput, draftNotice } from './draft-notice.ts';
export { EditNoticeInput, editNotice } from './edit-notice.ts';
export { eraseSubjectFromNotices } from './erase-from-notices.ts';
export { getNotice, presentNotices } from './get-notice.ts';
export type { PublicNotice } from './get-public-notice.ts';
export { getPublicNotice } from './get-public-notice.ts';
export { noticeMessageSettled } from './notice-delivery.ts';
export type { NoticeSettings } from './notice-settings.ts';
export { organizationOf } from './notice-settings.ts';
export { breachNotices } from './schema/breach-notices.ts';
export { SendNoticeInput, sendNotice } from './send-notice.ts';
