import type { BreachStatus } from './breach-panel.tsx';
import { CheckboxField, PageForm, SelectField, TextAreaField, TextField, useRefused } from './form-fields.tsx';
import type { Viewer } from './layout.tsx';
import { can, Time } from './layout.tsx';

/** The assessment's facts and anchor moments in the order a commander meets them, with their labels. */
export const ANCHOR_LABELS = {
  identifiedAt: 'Identified at',
  awareAt: 'Became aware at',
  discoveredAt: 'Discovered at',
  classifiedAt: 'Classified at',
  materialityDeterminedAt: 'Materiality determined at',
} as const;

export const FACT_LABELS = {
  personalData: 'Personal data involved',
  dataCategories: 'Data categories',
  peopleAffected: 'People affected',
  recordsAffected: 'Records affected',
  jurisdictions: 'Jurisdictions',
  affectedCustomers: 'Affected customers',
  encrypted: 'Data was encrypted',
  riskLevel: 'Risk level',
  riskRationale: 'Why that risk level',
  natureOfBreach: 'What happened',
  likelyConsequences: 'Likely consequences',
  measuresTaken: 'Measures taken',
  contactPoint: 'Contact point',
} as const;

export type FactField = keyof typeof FACT_LABELS;
export type AnchorField = keyof typeof ANCHOR_LABELS;

/** Which facts are lists (comma-separated in the form), numbers, yes/no, or long text. */
export const LIST_FACTS = new Set<FactField>(['dataCategories', 'jurisdictions', 'affectedCustomers']);
export const NUMBER_FACTS = new Set<FactField>(['peopleAffected', 'recordsAffected']);
export const YES_NO_FACTS = new Set<FactField>(['personalData', 'encrypted']);
const LONG_FACTS = new Set<FactField>(['riskRationale', 'natureOfBreach', 'likelyConsequences', 'measuresTaken', 'contactPoint']);

const label = (name: string) => (FACT_LABELS as Record<string, string>)[name] ?? (ANCHOR_LABELS as Record<string, string>)[name] ?? name;

function shown(value: unknown): string {
  if (value === null || value === undefined) return 'withdrawn';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return `${value.slice(0, 16).replace('T', ' ')} UTC`;
  return String(value);
}

/** "2026-03-27T12:00" for a datetime-local input, in UTC (the form says so). */
const localInput = (value: unknown) =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? value.slice(0, 16) : '';

/** The current assessment: each fact's latest value with who recorded it and when, earlier values as corrections. */
export function AssessmentTable({ status }: { status: BreachStatus }) {
  const current = Object.entries(status.assessment.current) as [
    string,
    { value: unknown; recordedAt: Date; recordedBy: string; note: string | null },
  ][];
  if (current.length === 0 && Object.keys(status.assessment.anchors).length === 0)
    return <p class="muted">Nothing recorded yet: record what is known below; the deadlines follow from it.</p>;
  const history = status.assessment.history;
  return (
    <table class="responsive assessment">
      <thead>
        <tr>
          <th scope="col">Fact</th>
          <th scope="col">Value</th>
          <th scope="col">Recorded</th>
        </tr>
      </thead>
      <tbody>
        {status.assessment.anchors.identifiedAt && !status.assessment.current.identifiedAt ? (
          <tr data-fact="identifiedAt">
            <th scope="row">{ANCHOR_LABELS.identifiedAt}</th>
            <td data-label="Value">{shown(status.assessment.anchors.identifiedAt)}</td>
            <td data-label="Recorded" class="muted">
              the incident's identification milestone (until someone records it)
            </td>
          </tr>
        ) : null}
        {current.map(([name, entry]) => {
          const earlier = history.filter((row) => row.name === name).slice(0, -1);
          return (
            <tr data-fact={name}>
              <th scope="row">{label(name)}</th>
              <td data-label="Value" class="detail">
                {shown(entry.value)}
                {earlier.length ? (
                  <details class="corrections">
                    <summary>{`corrected ${earlier.length} time(s)`}</summary>
                    <ul>
                      {earlier.map((row) => (
                        <li>
                          <s>{shown(row.value)}</s> by {row.actorName}, <Time at={row.recordedAt} />
                        </li>
                      ))}
                    </ul>
                  </details>
                ) : null}
              </td>
              <td data-label="Recorded">
                {entry.recordedBy}, <Time at={entry.recordedAt} />
                {entry.note ? <div class="muted">{entry.note}</div> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Records facts and anchors: blank fields stay as they are, a changed value is a correction on the record. */
export function FactsForm({ status, viewer, reference }: { status: BreachStatus; viewer: Viewer; reference: string }) {
  if (!can(viewer, 'breach:assess')) return null;
  const current = status.assessment.current as Record<string, { value: unknown } | undefined>;
  const value = (name: string) => {
    const entry = current[name]?.value;
    if (entry === null || entry === undefined) return '';
    if (Array.isArray(entry)) return entry.join(', ');
    if (typeof entry === 'boolean') return entry ? 'yes' : 'no';
    return String(entry);
  };
  const open = useRefused('breach-facts') || Object.keys(current).length === 0;
  return (
    <details open={open}>
      <summary>Record facts and times</summary>
      <PageForm id="breach-facts" action={`/incidents/${reference}/breach/facts`} viewer={viewer} class="facts-form">
        <p class="hint">
          Times are UTC. A field left as it is is not recorded again; a changed one is a correction, kept with the earlier value.
        </p>
        <div class="grid-2">
          {(Object.keys(ANCHOR_LABELS) as AnchorField[]).map((anchor) => (
            <TextField
              form="breach-facts"
              name={`anchor.${anchor}`}
              type="datetime-local"
              label={`${ANCHOR_LABELS[anchor]} (UTC)`}
              value={localInput(current[anchor]?.value)}
            />
          ))}
        </div>
        <div class="grid-2">
          {(Object.keys(FACT_LABELS) as FactField[])
            .filter((fact) => !LONG_FACTS.has(fact))
            .map((fact) =>
              YES_NO_FACTS.has(fact) ? (
                <SelectField
                  form="breach-facts"
                  name={`fact.${fact}`}
                  label={FACT_LABELS[fact]}
                  value={value(fact)}
                  options={[
                    { value: '', label: 'not known yet' },
                    { value: 'yes', label: 'yes' },
                    { value: 'no', label: 'no' },
                  ]}
                />
              ) : fact === 'riskLevel' ? (
                <SelectField
                  form="breach-facts"
                  name="fact.riskLevel"
                  label={FACT_LABELS.riskLevel}
                  value={value(fact)}
                  options={[{ value: '', label: 'not assessed yet' }, 'low', 'medium', 'high']}
                />
              ) : (
                <TextField
                  form="breach-facts"
                  name={`fact.${fact}`}
                  type={NUMBER_FACTS.has(fact) ? 'number' : 'text'}
                  label={FACT_LABELS[fact]}
                  hint={LIST_FACTS.has(fact) ? 'separated by commas' : undefined}
                  value={value(fact)}
                />
              ),
            )}
        </div>
        {[...LONG_FACTS].map((fact) => (
          <TextAreaField form="breach-facts" name={`fact.${fact}`} label={FACT_LABELS[fact]} value={value(fact)} rows={2} />
        ))}
        <TextField form="breach-facts" name="note" label="Note (where this comes from)" maxlength={2000} />
        <p>
          <button type="submit">Record</button>
        </p>
      </PageForm>
    </details>
  );
}

/** Marks an incident a (suspected) breach: the default clocks start. */
export function MarkBreachForm({ viewer, reference }: { viewer: Viewer; reference: string }) {
  if (!can(viewer, 'breach:assess')) return null;
  return (
    <PageForm id="breach-mark" action={`/incidents/${reference}/breach/mark`} viewer={viewer} class="inline">
      <CheckboxField form="breach-mark" name="confirmed" label="Confirmed (leave unticked while only suspected)" />
      <TextField form="breach-mark" name="note" label="Why (optional)" maxlength={2000} />
      <p>
        <button type="submit" class="danger">
          Mark as personal-data breach
        </button>
      </p>
    </PageForm>
  );
}
