import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext } from '../../../platform/index.ts';
import { assertPermission, ConflictError, InvalidInputError, NotFoundError, personKey, recordAudit } from '../../../platform/index.ts';
import { getIncidentForUpdate } from '../../get-incident.ts';
import { appendTimelineEvent } from '../../timeline/index.ts';
import { currentAssessment } from '../assessment/index.ts';
import { breachIncidentRegimes, breachObligations } from '../obligations/index.ts';
import { NOTICE_SECTIONS, RegimeDefinition } from '../regimes/index.ts';
import type { NoticeSettings } from './notice-settings.ts';
import { organizationOf } from './notice-settings.ts';
import { GENERIC_NOTICE_TEMPLATE, renderTemplate } from './render-notice.ts';
import { breachNoticeRecipients } from './schema/breach-notice-recipients.ts';
import { breachNotices } from './schema/breach-notices.ts';

export const NoticeRecipientInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320).optional(),
});

export const SectionOverrides = z.partialRecord(
  z.enum(NOTICE_SECTIONS),
  z.strictObject({ heading: z.string().trim().min(1).max(200).optional(), body: z.string().max(20_000).optional() }),
);

export const DraftNoticeInput = z.strictObject({
  obligationId: z.uuid(),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a language tag such as "en" or "de"')
    .default('en'),
  recipients: z.array(NoticeRecipientInput).min(1).max(5000),
  subject: z.string().trim().min(1).max(300).optional(),
  greeting: z.string().trim().min(1).max(300).optional(),
  sections: SectionOverrides.optional(),
});
export type DraftNoticeInput = z.input<typeof DraftNoticeInput>;

/** 256 random bits: the public page's only key. */
export function newPublicToken(): string {
  return randomBytes(32).toString('base64url');
}

export function recipientRows(noticeId: string, recipients: z.infer<typeof NoticeRecipientInput>[]) {
  return recipients.map((recipient) => ({ noticeId, name: recipient.name, email: recipient.email ?? null, publicToken: newPublicToken() }));
}

/**
 * Drafts a notice for an obligation from its regime's template in the chosen language, filled with the
 * current assessment; the drafter's own section texts replace the template's.
 */
export async function draftNotice(ctx: ActionContext, incidentIdOrReference: string, rawInput: DraftNoticeInput, settings: NoticeSettings) {
  assertPermission(ctx.actor, 'notices:draft');
  const input = DraftNoticeInput.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const incident = await getIncidentForUpdate(tx, incidentIdOrReference);
    const [obligation] = await tx
      .select()
      .from(breachObligations)
      .where(and(eq(breachObligations.id, input.obligationId), eq(breachObligations.incidentId, incident.id)));
    if (!obligation) throw new NotFoundError(`No obligation "${input.obligationId}" on this incident.`);
    if (obligation.status === 'not_applicable')
      throw new ConflictError(`"${obligation.title}" is not applicable: ${obligation.notApplicableReason ?? ''}`, 'not_applicable');
    const [application] = await tx.select().from(breachIncidentRegimes).where(eq(breachIncidentRegimes.id, obligation.incidentRegimeId));
    if (!application) throw new NotFoundError(`The regime of obligation "${obligation.id}" is gone.`);
    const regime = RegimeDefinition.parse(application.definition);
    const templates = regime.obligations.find((candidate) => candidate.key === obligation.key)?.notices ?? {};
    const available = Object.keys(templates).length ? templates : { en: GENERIC_NOTICE_TEMPLATE };
    const template = available[input.language];
    if (!template) {
      throw new InvalidInputError(
        `Invalid request body: language: "${obligation.title}" has no notice template in "${input.language}"; there are: ${Object.keys(available).sort().join(', ')}.`,
      );
    }
    const assessment = await currentAssessment(tx, incident);
    const rendered = renderTemplate(template, {
      assessment,
      regime,
      language: input.language,
      organization: organizationOf(settings, 'Drafting a notice'),
    });
    const sections = rendered.sections.map((section) => {
      const override = input.sections?.[section.key as keyof typeof input.sections];
      return { key: section.key, heading: override?.heading ?? section.heading, body: override?.body ?? section.body };
    });
    const [notice] = await tx
      .insert(breachNotices)
      .values({
        incidentId: incident.id,
        obligationId: obligation.id,
        language: input.language,
        subject: input.subject ?? rendered.subject,
        greeting: input.greeting ?? rendered.greeting,
        sections,
        authorKeys: [personKey(ctx.actor)],
        draftedBy: ctx.actor.name,
      })
      .returning();
    if (!notice) throw new Error('notice insert returned no row');
    await tx.insert(breachNoticeRecipients).values(recipientRows(notice.id, input.recipients));
    await appendTimelineEvent(tx, ctx.actor, {
      incidentId: incident.id,
      type: 'breach.notice_drafted',
      data: { notice: notice.id, obligation: obligation.key, recipients: input.recipients.length },
    });
    await recordAudit(tx, ctx, {
      action: 'breach.notice.draft',
      targetType: 'breach_notice',
      targetId: notice.id,
      details: { obligation: obligation.id, language: input.language, recipients: input.recipients.length },
    });
    return notice;
  });
}
