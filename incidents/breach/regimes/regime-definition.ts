import { z } from 'zod';

/** The moments a deadline can run from; each is an assessment fact of the incident. */
export const ANCHORS = ['identifiedAt', 'awareAt', 'discoveredAt', 'classifiedAt', 'materialityDeterminedAt'] as const;
export type Anchor = (typeof ANCHORS)[number];

export const OFFSET_UNITS = ['hours', 'calendar_days', 'business_days', 'months'] as const;
export type OffsetUnit = (typeof OFFSET_UNITS)[number];

/** Which days count as business days: weekends only, or weekends and US federal holidays (observed). */
export const BUSINESS_CALENDARS = ['weekends', 'us-federal'] as const;
export type BusinessCalendar = (typeof BUSINESS_CALENDARS)[number];

/** The assessment facts a condition may test, with the kind of value each holds. */
export const FACT_KINDS = {
  personalData: 'boolean',
  dataCategories: 'list',
  peopleAffected: 'number',
  recordsAffected: 'number',
  jurisdictions: 'list',
  affectedCustomers: 'list',
  encrypted: 'boolean',
  riskLevel: 'text',
  riskRationale: 'text',
  natureOfBreach: 'text',
  likelyConsequences: 'text',
  measuresTaken: 'text',
  contactPoint: 'text',
} as const;
export type FactName = keyof typeof FACT_KINDS;
export const FACT_NAMES = Object.keys(FACT_KINDS) as [FactName, ...FactName[]];

const Key = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 characters: lower-case letters, digits, "_" or "-", starting with a letter or digit');

const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time "HH:MM"');

export const Offset = z.strictObject({
  amount: z.number().int().min(0).max(100_000),
  unit: z.enum(OFFSET_UNITS),
});
export type Offset = z.infer<typeof Offset>;

/**
 * One candidate deadline: an offset from an anchor moment, or from the submission of another
 * obligation of the same regime (a chained report). `dueTimeOfDay` pins the local time of day.
 */
export const DeadlineTerm = z
  .strictObject({
    anchor: z.enum(ANCHORS).optional(),
    afterSubmissionOf: Key.optional(),
    offset: Offset,
    dueTimeOfDay: TimeOfDay.optional(),
  })
  .refine((term) => (term.anchor === undefined) !== (term.afterSubmissionOf === undefined), {
    message: 'give exactly one of "anchor" and "afterSubmissionOf"',
  });
export type DeadlineTerm = z.infer<typeof DeadlineTerm>;

/** The due time is the earliest of the terms whose start is known. */
export const DeadlineRule = z.strictObject({
  earliestOf: z.array(DeadlineTerm).min(1).max(5),
});
export type DeadlineRule = z.infer<typeof DeadlineRule>;

/** A test on the assessment facts; every condition of an obligation must hold for it to apply. */
export const Condition = z
  .strictObject({
    fact: z.enum(FACT_NAMES),
    equals: z.union([z.string().max(200), z.number(), z.boolean()]).optional(),
    oneOf: z.array(z.string().max(200)).min(1).max(50).optional(),
    includesAny: z.array(z.string().max(200)).min(1).max(50).optional(),
    atLeast: z.number().optional(),
  })
  .refine(
    (condition) =>
      [condition.equals, condition.oneOf, condition.includesAny, condition.atLeast].filter((test) => test !== undefined).length === 1,
    {
      message: 'give exactly one of "equals", "oneOf", "includesAny", "atLeast"',
    },
  );
export type Condition = z.infer<typeof Condition>;

export const WarningPlan = z.strictObject({
  /** Percentages of the time between the start and the due time. */
  percentOfTime: z.array(z.number().gt(0).lt(100)).max(10).default([50, 75, 90]),
  hoursBefore: z
    .array(
      z
        .number()
        .gt(0)
        .max(24 * 90),
    )
    .max(10)
    .default([1]),
  atDeadline: z.boolean().default(true),
  /** Once overdue, warn again (and page) every so many hours until it is submitted or set aside. */
  overdueEveryHours: z
    .number()
    .min(0.25)
    .max(24 * 7)
    .default(4),
});
export type WarningPlan = z.infer<typeof WarningPlan>;
export const DEFAULT_WARNING_PLAN: WarningPlan = WarningPlan.parse({});

export const NOTICE_SECTIONS = [
  'whatHappened',
  'whatInformationWasInvolved',
  'whatWeAreDoing',
  'whatYouCanDo',
  'otherImportantInformation',
  'forMoreInformation',
] as const;
export type NoticeSection = (typeof NOTICE_SECTIONS)[number];

const Language = z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a language tag such as "en" or "de"');

/** The letter for one language: a subject, a greeting and a heading and default text per section. */
export const NoticeTemplate = z.strictObject({
  subject: z.string().min(1).max(300),
  greeting: z.string().max(300).default('Dear {{recipient.name}},'),
  sections: z.record(
    z.enum(NOTICE_SECTIONS),
    z.strictObject({ heading: z.string().min(1).max(200), body: z.string().max(20_000).default('') }),
  ),
});
export type NoticeTemplate = z.infer<typeof NoticeTemplate>;

export const ObligationDefinition = z.strictObject({
  key: Key,
  title: z.string().min(1).max(200),
  /** Who receives it: "supervisory_authority", "data_subjects", "customers", ... */
  recipient: Key,
  /** What makes it owed, in words (the legal trigger). */
  trigger: z.string().max(1000).default(''),
  conditions: z.array(Condition).max(10).default([]),
  /** What the submission must contain. */
  contentRequired: z.array(z.string().min(1).max(300)).max(30).default([]),
  /** null: no fixed time ("without undue delay"); the obligation is tracked but not timed. */
  deadline: DeadlineRule.nullable(),
  deadlineText: z.string().max(300).optional(),
  warnings: WarningPlan.optional(),
  /** Notice letters per language for this obligation's recipients. */
  notices: z.record(Language, NoticeTemplate).default({}),
});
export type ObligationDefinition = z.infer<typeof ObligationDefinition>;

export const RegimeDefinition = z
  .strictObject({
    id: Key,
    name: z.string().min(1).max(200),
    description: z.string().max(2000).default(''),
    timeZone: z.string().refine((zone) => isValidTimeZone(zone), 'must be an IANA time zone such as "Europe/Berlin"'),
    businessCalendar: z.enum(BUSINESS_CALENDARS).default('weekends'),
    warnings: WarningPlan.default(DEFAULT_WARNING_PLAN),
    obligations: z.array(ObligationDefinition).min(1).max(20),
  })
  .superRefine((regime, context) => {
    const keys = regime.obligations.map((obligation) => obligation.key);
    regime.obligations.forEach((obligation, index) => {
      if (keys.indexOf(obligation.key) !== index) {
        context.addIssue({ code: 'custom', path: ['obligations', index, 'key'], message: `duplicate obligation key "${obligation.key}"` });
      }
      obligation.deadline?.earliestOf.forEach((term, termIndex) => {
        const path = ['obligations', index, 'deadline', 'earliestOf', termIndex, 'afterSubmissionOf'];
        if (term.afterSubmissionOf === undefined) return;
        if (term.afterSubmissionOf === obligation.key)
          context.addIssue({ code: 'custom', path, message: 'an obligation cannot chain from itself' });
        else if (!keys.includes(term.afterSubmissionOf))
          context.addIssue({ code: 'custom', path, message: `no obligation "${term.afterSubmissionOf}" in this regime` });
      });
    });
    if (hasChainCycle(regime.obligations))
      context.addIssue({ code: 'custom', path: ['obligations'], message: 'chained submissions form a cycle' });
  });
export type RegimeDefinition = z.infer<typeof RegimeDefinition>;
export type RegimeDefinitionInput = z.input<typeof RegimeDefinition>;

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function hasChainCycle(obligations: ObligationDefinition[]): boolean {
  const after = new Map(
    obligations.map((obligation) => [
      obligation.key,
      (obligation.deadline?.earliestOf ?? []).flatMap((term) => (term.afterSubmissionOf ? [term.afterSubmissionOf] : [])),
    ]),
  );
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (key: string): boolean => {
    if (state.get(key) === 'done') return false;
    if (state.get(key) === 'visiting') return true;
    state.set(key, 'visiting');
    const cyclic = (after.get(key) ?? []).some(visit);
    state.set(key, 'done');
    return cyclic;
  };
  return [...after.keys()].some(visit);
}
