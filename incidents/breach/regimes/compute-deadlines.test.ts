import { describe, expect, it } from 'vitest';
import { BUILT_IN_REGIMES, builtInRegime } from './built-in-regimes.ts';
import { usFederalHolidays } from './business-days.ts';
import type { EvaluateInput } from './evaluate-regime.ts';
import { evaluateRegime } from './evaluate-regime.ts';
import { RegimeDefinition } from './regime-definition.ts';

function regime(id: string) {
  const found = builtInRegime(id);
  if (!found) throw new Error(`no built-in regime ${id}`);
  return found;
}

interface DeadlineCase {
  name: string;
  regime: string;
  input: EvaluateInput;
  obligation: string;
  dueAt: string | null;
  dueLocal?: string;
}

const cases: DeadlineCase[] = [
  {
    name: 'contract-24h: 24 h from identification',
    regime: 'contract-24h',
    obligation: 'customer_notice',
    input: { anchors: { identifiedAt: '2026-05-04T09:15:00Z' } },
    dueAt: '2026-05-05T09:15:00.000Z',
    dueLocal: '2026-05-05T09:15:00.000Z',
  },
  {
    name: 'contract-48h: 48 h from identification',
    regime: 'contract-48h',
    obligation: 'customer_notice',
    input: { anchors: { identifiedAt: '2026-05-04T09:15:00+02:00' } },
    dueAt: '2026-05-06T07:15:00.000Z',
  },
  {
    name: 'contract-24h: no identification yet, no due time',
    regime: 'contract-24h',
    obligation: 'customer_notice',
    input: { anchors: { awareAt: '2026-05-04T09:15:00Z' } },
    dueAt: null,
  },
  // Europe springs forward on 2026-03-29: 72 elapsed hours end at 14:00 local, not 13:00.
  {
    name: 'gdpr Art. 33 over the European spring DST change',
    regime: 'gdpr',
    obligation: 'art33_authority',
    input: { anchors: { awareAt: '2026-03-27T12:00:00Z' } },
    dueAt: '2026-03-30T12:00:00.000Z',
    dueLocal: '2026-03-30T14:00:00.000+02:00',
  },
  {
    name: 'gdpr Art. 33 over the European autumn DST change',
    regime: 'gdpr',
    obligation: 'art33_authority',
    input: { anchors: { awareAt: '2026-10-23T22:30:00Z' } },
    dueAt: '2026-10-26T22:30:00.000Z',
    dueLocal: '2026-10-26T23:30:00.000+01:00',
  },
  {
    name: 'gdpr Art. 34: without undue delay has no fixed time',
    regime: 'gdpr',
    obligation: 'art34_data_subjects',
    input: { anchors: { awareAt: '2026-03-27T12:00:00Z' } },
    dueAt: null,
  },
  {
    name: 'nis2 early warning: 24 h from awareness',
    regime: 'nis2',
    obligation: 'early_warning',
    input: { anchors: { awareAt: '2026-01-29T10:00:00Z' } },
    dueAt: '2026-01-30T10:00:00.000Z',
  },
  {
    name: 'nis2 notification: 72 h from awareness',
    regime: 'nis2',
    obligation: 'incident_notification',
    input: { anchors: { awareAt: '2026-01-29T10:00:00Z' } },
    dueAt: '2026-02-01T10:00:00.000Z',
  },
  {
    name: 'nis2 final report: one month after the notification, clamped to the end of February',
    regime: 'nis2',
    obligation: 'final_report',
    input: { anchors: { awareAt: '2026-01-29T10:00:00Z' }, submissions: { incident_notification: '2026-01-31T10:00:00Z' } },
    dueAt: '2026-02-28T10:00:00.000Z',
    dueLocal: '2026-02-28T11:00:00.000+01:00',
  },
  {
    name: 'nis2 final report: not timed before the notification is submitted',
    regime: 'nis2',
    obligation: 'final_report',
    input: { anchors: { awareAt: '2026-01-29T10:00:00Z' } },
    dueAt: null,
  },
  // One month from 31 March (CEST) is 30 April (CEST); across the DST change the local time stays 10:00.
  {
    name: 'nis2 final report: a month over the DST change keeps the local time',
    regime: 'nis2',
    obligation: 'final_report',
    input: { submissions: { incident_notification: '2026-03-28T09:00:00Z' } },
    dueAt: '2026-04-28T08:00:00.000Z',
    dueLocal: '2026-04-28T10:00:00.000+02:00',
  },
  {
    name: 'dora initial: 4 h from classification is the earlier',
    regime: 'dora',
    obligation: 'initial_notification',
    input: { anchors: { awareAt: '2026-06-01T08:00:00Z', classifiedAt: '2026-06-01T22:00:00Z' } },
    dueAt: '2026-06-02T02:00:00.000Z',
  },
  {
    name: 'dora initial: 24 h from awareness is the earlier',
    regime: 'dora',
    obligation: 'initial_notification',
    input: { anchors: { awareAt: '2026-06-01T08:00:00Z', classifiedAt: '2026-06-02T06:00:00Z' } },
    dueAt: '2026-06-02T08:00:00.000Z',
  },
  {
    name: 'dora initial: awareness alone bounds it before classification',
    regime: 'dora',
    obligation: 'initial_notification',
    input: { anchors: { awareAt: '2026-06-01T08:00:00Z' } },
    dueAt: '2026-06-02T08:00:00.000Z',
  },
  {
    name: 'dora intermediate: 72 h after the initial notification was submitted',
    regime: 'dora',
    obligation: 'intermediate_report',
    input: { anchors: { awareAt: '2026-06-01T08:00:00Z' }, submissions: { initial_notification: '2026-06-02T01:00:00Z' } },
    dueAt: '2026-06-05T01:00:00.000Z',
  },
  {
    name: 'dora final: a month after the intermediate report, 29 February in a leap year',
    regime: 'dora',
    obligation: 'final_report',
    input: { submissions: { initial_notification: '2028-01-27T09:00:00Z', intermediate_report: '2028-01-31T09:00:00Z' } },
    dueAt: '2028-02-29T09:00:00.000Z',
  },
  // Thanksgiving 2026 is Thursday 26 November.
  {
    name: 'sec-8k: four business days over Thanksgiving',
    regime: 'sec-8k',
    obligation: 'form_8k',
    input: { anchors: { materialityDeterminedAt: '2026-11-25T15:00:00Z' } },
    dueAt: '2026-12-02T22:30:00.000Z',
    dueLocal: '2026-12-02T17:30:00.000-05:00',
  },
  // 4 July 2026 is a Saturday, observed on Friday 3 July.
  {
    name: 'sec-8k: Independence Day observed on the Friday before',
    regime: 'sec-8k',
    obligation: 'form_8k',
    input: { anchors: { materialityDeterminedAt: '2026-07-01T14:00:00Z' } },
    dueAt: '2026-07-08T21:30:00.000Z',
    dueLocal: '2026-07-08T17:30:00.000-04:00',
  },
  // 1 January 2022 was a Saturday, observed on Friday 31 December 2021.
  {
    name: "sec-8k: New Year's Day observed in the year before",
    regime: 'sec-8k',
    obligation: 'form_8k',
    input: { anchors: { materialityDeterminedAt: '2021-12-28T15:00:00Z' } },
    dueAt: '2022-01-04T22:30:00.000Z',
  },
  // The US springs forward on 2026-03-08: 17:30 local is 21:30 UTC afterwards.
  {
    name: 'sec-8k: over the US spring DST change',
    regime: 'sec-8k',
    obligation: 'form_8k',
    input: { anchors: { materialityDeterminedAt: '2026-03-05T15:00:00Z' } },
    dueAt: '2026-03-11T21:30:00.000Z',
    dueLocal: '2026-03-11T17:30:00.000-04:00',
  },
  {
    name: 'sec-8k: the local (New York) day counts, not the UTC one',
    regime: 'sec-8k',
    obligation: 'form_8k',
    input: { anchors: { materialityDeterminedAt: '2026-03-05T03:00:00Z' } },
    dueAt: '2026-03-10T21:30:00.000Z',
  },
  {
    name: 'sec-8k: over the US autumn DST change',
    regime: 'sec-8k',
    obligation: 'form_8k',
    input: { anchors: { materialityDeterminedAt: '2026-10-29T15:00:00Z' } },
    dueAt: '2026-11-04T22:30:00.000Z',
    dueLocal: '2026-11-04T17:30:00.000-05:00',
  },
  // 60 calendar days keep 10:00 local from EST into EDT.
  {
    name: 'hipaa individuals: 60 calendar days over the US DST change',
    regime: 'hipaa',
    obligation: 'individuals',
    input: { anchors: { discoveredAt: '2026-03-01T15:00:00Z' } },
    dueAt: '2026-04-30T14:00:00.000Z',
    dueLocal: '2026-04-30T10:00:00.000-04:00',
  },
  {
    name: 'hipaa HHS: 60 days',
    regime: 'hipaa',
    obligation: 'hhs',
    input: { anchors: { discoveredAt: '2026-12-31T17:00:00Z' }, facts: { peopleAffected: 1200 } },
    dueAt: '2027-03-01T17:00:00.000Z',
  },
];

describe('the deadline engine', () => {
  it.each(cases)('$name', (deadlineCase) => {
    const evaluation = evaluateRegime(regime(deadlineCase.regime), deadlineCase.input);
    const obligation = evaluation.obligations.find((candidate) => candidate.key === deadlineCase.obligation);
    expect(obligation?.dueAt).toBe(deadlineCase.dueAt);
    if (deadlineCase.dueLocal) expect(obligation?.dueLocal).toBe(deadlineCase.dueLocal);
  });

  it('covers every built-in regime', () => {
    expect(new Set(cases.map((deadlineCase) => deadlineCase.regime))).toEqual(new Set(BUILT_IN_REGIMES.map((builtIn) => builtIn.id)));
    expect(BUILT_IN_REGIMES.map((builtIn) => builtIn.id).sort()).toEqual([
      'contract-24h',
      'contract-48h',
      'dora',
      'gdpr',
      'hipaa',
      'nis2',
      'sec-8k',
    ]);
  });

  it('places warnings at 50, 75 and 90 % of the time, one hour before and at the deadline', () => {
    const [obligation] = evaluateRegime(regime('contract-24h'), { anchors: { identifiedAt: '2026-05-04T09:15:00Z' } }).obligations;
    expect(obligation?.warnings.map((warning) => [warning.point, warning.at])).toEqual([
      ['p50', '2026-05-04T21:15:00.000Z'],
      ['p75', '2026-05-05T03:15:00.000Z'],
      ['p90', '2026-05-05T06:51:00.000Z'],
      ['before-1h', '2026-05-05T08:15:00.000Z'],
      ['due', '2026-05-05T09:15:00.000Z'],
    ]);
    expect(obligation?.overdueEveryHours).toBe(4);
  });

  it('decides applicability from the facts, and leaves it open while a fact is unknown', () => {
    const hipaa = (facts: EvaluateInput['facts']) =>
      Object.fromEntries(
        evaluateRegime(regime('hipaa'), { anchors: { discoveredAt: '2026-01-01T00:00:00Z' }, facts }).obligations.map((o) => [
          o.key,
          o.applicable,
        ]),
      );
    expect(hipaa({ peopleAffected: 300 })).toEqual({ individuals: true, hhs: false, media: false });
    expect(hipaa({ peopleAffected: 800 })).toEqual({ individuals: true, hhs: true, media: true });
    expect(hipaa({})).toEqual({ individuals: true, hhs: null, media: null });
    const gdpr = evaluateRegime(regime('gdpr'), { facts: { personalData: true, riskLevel: 'medium' } });
    expect(gdpr.obligations.map((o) => o.applicable)).toEqual([true, false]);
  });

  it('computes the observed US federal holidays', () => {
    expect([...usFederalHolidays(2026)].sort()).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03',
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
    expect(usFederalHolidays(2021).has('2021-12-31')).toBe(true);
    expect(usFederalHolidays(2021).has('2021-12-24')).toBe(true);
    expect(usFederalHolidays(2022).has('2022-01-01')).toBe(false);
    expect(usFederalHolidays(2027).has('2027-06-18')).toBe(true);
    expect(usFederalHolidays(2020).has('2020-06-19')).toBe(false);
  });

  it('refuses regime definitions that cannot work, naming the problem', () => {
    const base = {
      id: 'acme',
      name: 'Acme',
      timeZone: 'Europe/Berlin',
      obligations: [
        {
          key: 'a',
          title: 'A',
          recipient: 'customers',
          deadline: { earliestOf: [{ anchor: 'awareAt', offset: { amount: 1, unit: 'hours' } }] },
        },
      ],
    };
    expect(RegimeDefinition.safeParse(base).success).toBe(true);
    const messages = (input: unknown) => {
      const result = RegimeDefinition.safeParse(input);
      return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    };
    expect(messages({ ...base, timeZone: 'Mars/Olympus' }).join()).toMatch(/timeZone: must be an IANA time zone/);
    expect(messages({ ...base, obligations: [...base.obligations, ...base.obligations] }).join()).toMatch(/duplicate obligation key "a"/);
    expect(
      messages({
        ...base,
        obligations: [
          { ...base.obligations[0], deadline: { earliestOf: [{ afterSubmissionOf: 'nope', offset: { amount: 1, unit: 'hours' } }] } },
        ],
      }).join(),
    ).toMatch(/no obligation "nope"/);
    expect(
      messages({
        ...base,
        obligations: [
          { ...base.obligations[0], deadline: { earliestOf: [{ anchor: 'awareAt', offset: { amount: 1, unit: 'fortnights' } }] } },
        ],
      }).join(),
    ).toMatch(/unit/);
    expect(
      messages({
        ...base,
        obligations: [
          {
            ...base.obligations[0],
            deadline: { earliestOf: [{ anchor: 'awareAt', afterSubmissionOf: 'a', offset: { amount: 1, unit: 'hours' } }] },
          },
        ],
      }).join(),
    ).toMatch(/exactly one of "anchor" and "afterSubmissionOf"/);
    const cyclic = {
      ...base,
      obligations: [
        {
          key: 'a',
          title: 'A',
          recipient: 'x',
          deadline: { earliestOf: [{ afterSubmissionOf: 'b', offset: { amount: 1, unit: 'hours' } }] },
        },
        {
          key: 'b',
          title: 'B',
          recipient: 'x',
          deadline: { earliestOf: [{ afterSubmissionOf: 'a', offset: { amount: 1, unit: 'hours' } }] },
        },
      ],
    };
    expect(messages(cyclic).join()).toMatch(/cycle/);
  });
});
