import type { BreachStatus } from './breach-panel.tsx';
import { CheckboxField, PageForm, TextAreaField } from './form-fields.tsx';
import type { Viewer } from './layout.tsx';
import { can, Time } from './layout.tsx';

const OPEN = new Set(['assessing', 'applicable', 'late']);

/**
 * Closing the incident, from root-cause analysis: the breach obligations still owed are named first,
 * and closing despite them (or an unfinished checklist) takes an override with a reason.
 */
export function ClosePanel({
  viewer,
  reference,
  phase,
  closed,
  version,
  breach,
}: {
  viewer: Viewer;
  reference: string;
  phase: string;
  closed: boolean;
  version: number;
  breach: BreachStatus | null;
}) {
  if (closed || phase !== 'root_cause_analysis' || !can(viewer, 'incidents:transition')) return null;
  const owed = (breach?.obligations ?? []).filter((obligation) => OPEN.has(obligation.state));
  return (
    <section class="card" aria-labelledby="close-title" id="close">
      <h2 id="close-title">Close the incident</h2>
      {owed.length ? (
        <>
          <p class="form-error" role="status">
            {`Closing does not stop the breach clocks: ${owed.length} obligation(s) are still owed.`}
          </p>
          <ul class="owed">
            {owed.map((obligation) => (
              <li data-owed={obligation.regimeId}>
                {obligation.title} ({obligation.regimeId}),{' '}
                {obligation.effectiveDueAt ? (
                  <>
                    due <Time at={obligation.effectiveDueAt} />
                  </>
                ) : (
                  'without a due time yet'
                )}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p class="muted">Closes once the analysis is approved by someone who did not write it and the checklist is done.</p>
      )}
      <PageForm id="close" action={`/incidents/${reference}/close`} viewer={viewer}>
        <input type="hidden" name="expectedVersion" value={String(version)} />
        <CheckboxField form="close" name="override" label="Override: close although obligations or checklist items are open" />
        <TextAreaField form="close" name="reason" label="Reason (required to override)" maxlength={2000} rows={2} />
        <p>
          <button type="submit">Close incident</button>
        </p>
      </PageForm>
    </section>
  );
}
