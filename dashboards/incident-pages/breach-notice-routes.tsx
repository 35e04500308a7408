import type { Context } from 'hono';
import { Hono } from 'hono';
import {
  approveNotice,
  DraftNoticeInput,
  draftNotice,
  EditNoticeInput,
  editNotice,
  SendNoticeInput,
  sendNotice,
} from '../../incidents/index.ts';
import type { DashboardEnv } from '../http.tsx';
import { field, parseForm } from '../http.tsx';
import { act, lines, optionalText, optionalVersion } from './forms.tsx';

/** One recipient a line: "Ana Lima <ana@example.com>" or just "Ana Lima". */
function parseRecipients(form: Record<string, unknown>) {
  return lines(form, 'recipients').map((line) => {
    const match = /^(.*?)\s*<([^>]+)>$/.exec(line);
    return match ? { name: match[1] || (match[2] ?? ''), email: match[2] } : { name: line };
  });
}

/** The edited sections, one textarea each ("section.<key>"), with the browser's CRLF line ends made LF. */
function parseSections(form: Record<string, unknown>) {
  return Object.fromEntries(
    Object.keys(form)
      .filter((name) => name.startsWith('section.'))
      .map((name) => [name.slice('section.'.length), { body: typeof form[name] === 'string' ? form[name].replace(/\r\n/g, '\n') : '' }]),
  );
}

function noticeSettings(c: Context<DashboardEnv>) {
  const { config } = c.var.deps;
  return { organization: config.BREACH_ORGANIZATION_NAME, publicUrl: config.publicUrl };
}

/** The breach panel's notice forms: draft, edit, approve (four eyes), send. */
export const breachNoticeRoutes = new Hono<DashboardEnv>()
  .post('/:ref/notices', (c) =>
    act(c, 'notice_drafted', (reference, form) =>
      draftNotice(
        c.var.ctx,
        reference,
        parseForm(DraftNoticeInput, {
          obligationId: field(form, 'obligationId'),
          language: field(form, 'language') || 'en',
          recipients: parseRecipients(form),
        }),
        noticeSettings(c),
      ),
    ),
  )
  .post('/:ref/notices/:noticeId/edit', (c) =>
    act(c, 'notice_edited', (_reference, form) =>
      editNotice(
        c.var.ctx,
        c.req.param('noticeId'),
        parseForm(EditNoticeInput, {
          subject: optionalText(form, 'subject'),
          greeting: optionalText(form, 'greeting'),
          sections: parseSections(form),
          expectedVersion: optionalVersion(form),
        }),
      ),
    ),
  )
  .post('/:ref/notices/:noticeId/approve', (c) =>
    act(c, 'notice_approved', (_reference, form) => approveNotice(c.var.ctx, c.req.param('noticeId'), optionalVersion(form))),
  )
  .post('/:ref/notices/:noticeId/send', (c) =>
    act(c, 'notice_sent', (_reference, form) =>
      sendNotice(
        c.var.ctx,
        c.req.param('noticeId'),
        parseForm(SendNoticeInput, { delayReason: optionalText(form, 'delayReason') }),
        noticeSettings(c),
      ),
    ),
  );
