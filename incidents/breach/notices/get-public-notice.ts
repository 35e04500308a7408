import { and, eq } from 'drizzle-orm';
import type { Database } from '../../../platform/index.ts';
import { NotFoundError } from '../../../platform/index.ts';
import { personalize } from './render-notice.ts';
import { breachNoticeRecipients } from './schema/breach-notice-recipients.ts';
import { breachNotices } from './schema/breach-notices.ts';

/** Exactly what a recipient may see: the letter and when it was published. No ids, names of staff or incident data. */
export interface PublicNotice {
  language: string;
  subject: string;
  greeting: string;
  sections: { heading: string; body: string }[];
  publishedAt: string;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The notice behind a public token, once sent; NotFoundError for anything else (unknown, draft, malformed). */
export async function getPublicNotice(db: Database, token: string): Promise<PublicNotice> {
  const notFound = new NotFoundError('There is no notice at this address.');
  if (!TOKEN.test(token)) throw notFound;
  const [row] = await db
    .select({ recipientName: breachNoticeRecipients.name, notice: breachNotices })
    .from(breachNoticeRecipients)
    .innerJoin(breachNotices, eq(breachNotices.id, breachNoticeRecipients.noticeId))
    .where(and(eq(breachNoticeRecipients.publicToken, token), eq(breachNotices.status, 'sent')));
  if (!row?.notice.sentAt) throw notFound;
  const letter = personalize(row.notice, row.recipientName);
  return {
    language: row.notice.language,
    subject: letter.subject,
    greeting: letter.greeting,
    sections: letter.sections,
    publishedAt: row.notice.sentAt.toISOString(),
  };
}
