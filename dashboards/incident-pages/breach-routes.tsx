import { Hono } from 'hono';
import {
  ApplyRegimeInput,
  applyRegime,
  CloseInput,
  closeIncident,
  DelayReasonInput,
  getBreachStatus,
  getNotice,
  MarkBreachInput,
  markBreach,
  RecordFactsInput,
  recordBreachFacts,
  recordDelayReason,
  SubmitObligationInput,
  SuspendObligationInput,
  submitObligation,
  suspendObligation,
  WithdrawRegimeInput,
  withdrawRegime,
} from '../../incidents/index.ts';
import { retryMessage } from '../../notifier/index.ts';
import { InvalidInputError } from '../../platform/index.ts';
import type { DashboardEnv } from '../http.tsx';
import { field, parseForm } from '../http.tsx';
import { NoticePage } from '../public-notice/index.ts';
import type { FactField } from '../views/breach-assessment.tsx';
import { ANCHOR_LABELS, FACT_LABELS, LIST_FACTS, NUMBER_FACTS, YES_NO_FACTS } from '../views/breach-assessment.tsx';
import { act, optionalText, optionalVersion } from './forms.tsx';

/** A datetime-local field (the form says UTC) as an ISO-8601 time; blank: undefined. */
function utcTime(form: Record<string, unknown>, name: string): string | undefined {
  const value = field(form, name);
  if (!value) return undefined;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00Z` : value;
}

function factValue(fact: FactField, text: string): unknown {
  if (!text) return null;
  if (YES_NO_FACTS.has(fact)) return text === 'yes' ? true : text === 'no' ? false : text;
  if (NUMBER_FACTS.has(fact)) return Number.isFinite(Number(text)) ? Number(text) : text;
  if (LIST_FACTS.has(fact))
    return text
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
  return text.replace(/\r\n/g, '\n');
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The facts form as a RecordFactsInput: only what differs from the current assessment (the form shows
 * it), so that leaving a field as it is records nothing and clearing one withdraws it.
 */
function changedFacts(form: Record<string, unknown>, current: Record<string, { value: unknown } | undefined>) {
  const facts: Record<string, unknown> = {};
  for (const fact of Object.keys(FACT_LABELS) as FactField[]) {
    const value = factValue(fact, field(form, `fact.${fact}`).trim());
    if (!sameValue(value, current[fact]?.value)) facts[fact] = value;
  }
  const anchors: Record<string, string | null> = {};
  for (const anchor of Object.keys(ANCHOR_LABELS)) {
    const value = utcTime(form, `anchor.${anchor}`) ?? null;
    const before = current[anchor]?.value;
    const unchanged = typeof before === 'string' && value !== null ? before.slice(0, 16) === value.slice(0, 16) : sameValue(value, before);
    if (!unchanged) anchors[anchor] = value;
  }
  return { facts, anchors, note: optionalText(form, 'note') };
}

/** The breach panel's forms (mark, facts, regimes, obligations, retries), the notice preview, and closing. */
export const breachRoutes = new Hono<DashboardEnv>()
  .post('/:ref/breach/mark', (c) =>
    act(c, 'breach_marked', (reference, form) =>
      markBreach(
        c.var.ctx,
        reference,
        parseForm(MarkBreachInput, { suspected: field(form, 'confirmed') !== 'true', note: optionalText(form, 'note'), via: 'web' }),
      ),
    ),
  )
  .post('/:ref/breach/facts', (c) =>
    act(c, 'facts', async (reference, form) => {
      const status = await getBreachStatus(c.var.ctx.db, reference);
      const input = changedFacts(form, status.assessment.current as Record<string, { value: unknown } | undefined>);
      if (Object.keys(input.facts).length + Object.keys(input.anchors).length === 0)
        throw new InvalidInputError('Nothing changed: change a fact or a time to record it.');
      return recordBreachFacts(c.var.ctx, reference, parseForm(RecordFactsInput, input));
    }),
  )
  .post('/:ref/breach/regimes', (c) =>
    act(c, 'regime_applied', (reference, form) =>
      applyRegime(c.var.ctx, reference, parseForm(ApplyRegimeInput, { regimeId: field(form, 'regimeId') })),
    ),
  )
  .post('/:ref/breach/regimes/withdraw', (c) =>
    act(c, 'regime_withdrawn', (reference, form) =>
      withdrawRegime(
        c.var.ctx,
        reference,
        parseForm(WithdrawRegimeInput, { regimeId: field(form, 'regimeId'), reason: field(form, 'reason') }),
      ),
    ),
  )
  .post('/:ref/breach/obligations/:obligationId/submit', (c) =>
    act(c, 'submitted', (_reference, form) =>
      submitObligation(
        c.var.ctx,
        c.req.param('obligationId'),
        parseForm(SubmitObligationInput.required({ reference: true, note: true }), {
          via: field(form, 'via'),
          submittedAt: utcTime(form, 'submittedAt'),
          reference: field(form, 'reference'),
          note: field(form, 'note'),
          delayReason: optionalText(form, 'delayReason'),
        }),
      ),
    ),
  )
  .post('/:ref/breach/obligations/:obligationId/delay-reason', (c) =>
    act(c, 'delay_reason', (_reference, form) =>
      recordDelayReason(c.var.ctx, c.req.param('obligationId'), parseForm(DelayReasonInput, { reason: field(form, 'reason') })),
    ),
  )
  .post('/:ref/breach/obligations/:obligationId/suspend', (c) =>
    act(c, 'suspended', (_reference, form) =>
      suspendObligation(
        c.var.ctx,
        c.req.param('obligationId'),
        parseForm(SuspendObligationInput, {
          until: utcTime(form, 'until'),
          grantedBy: field(form, 'grantedBy'),
          reason: field(form, 'reason'),
        }),
      ),
    ),
  )
  .post('/:ref/notices/:noticeId/retry/:messageId', (c) => act(c, 'retried', () => retryMessage(c.var.ctx, c.req.param('messageId'))))
  .get('/:ref/notices/:noticeId/preview', async (c) => {
    const notice = await getNotice(c.var.ctx.db, c.req.param('noticeId'), { publicUrl: c.var.deps.config.publicUrl });
    const name = notice.recipients[0]?.name ?? 'the recipient';
    const personal = (text: string) => text.replace(/\{\{\s*recipient\.name\s*\}\}/g, name);
    const page = (
      <NoticePage
        preview
        organization={c.var.deps.config.BREACH_ORGANIZATION_NAME ?? null}
        notice={{
          language: notice.language,
          subject: personal(notice.subject),
          greeting: personal(notice.greeting),
          sections: notice.sections.map((section) => ({ heading: section.heading, body: personal(section.body) })),
          publishedAt: (notice.sentAt ?? new Date()).toISOString(),
        }}
      />
    );
    c.header('Cache-Control', 'no-store');
    return c.html(`<!doctype html>${page.toString()}`);
  })
  .post('/:ref/close', (c) =>
    act(c, 'closed', (reference, form) =>
      closeIncident(
        c.var.ctx,
        reference,
        parseForm(CloseInput, {
          override: field(form, 'override') === 'true',
          reason: optionalText(form, 'reason'),
          expectedVersion: optionalVersion(form),
        }),
      ),
    ),
  );
