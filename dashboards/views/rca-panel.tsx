import type { RootCauseAnalysis } from '../../incidents/index.ts';
import type { Viewer } from './layout.tsx';
import { CsrfField, can, Time } from './layout.tsx';

/** The root-cause analysis: the editor (one field per part, lists one entry per line), approval, and the report. */
export function RcaPanel({
  rca,
  viewer,
  reference,
  phase,
}: {
  rca: RootCauseAnalysis | null;
  viewer: Viewer;
  reference: string;
  phase: string;
}) {
  if (!rca && phase !== 'recovery' && phase !== 'root_cause_analysis') return null;
  const editable = can(viewer, 'rca:write') && rca?.status !== 'approved';
  const lines = (entries: string[] | undefined) => (entries ?? []).join('\n');
  const whys = (rca?.fiveWhys ?? []).map((why) => `${why.question} => ${why.answer}`).join('\n');
  return (
    <section class="card" aria-labelledby="rca-title" id="rca">
      <h2 id="rca-title">Root-cause analysis {rca ? <span class="badge">{rca.status}</span> : null}</h2>
      {rca ? (
        <p class="muted">
          by {rca.authorName}, updated <Time at={rca.updatedAt} />
          {rca.approvedByName ? `, approved by ${rca.approvedByName}` : ''}
        </p>
      ) : null}
      {editable ? (
        <form method="post" action={`/incidents/${reference}/rca`}>
          <CsrfField viewer={viewer} />
          {rca ? <input type="hidden" name="expectedVersion" value={String(rca.version)} /> : null}
          <label for="rca-summary">Summary</label>
          <textarea id="rca-summary" name="summary">
            {rca?.summary ?? ''}
          </textarea>
          <label for="rca-impact">Impact</label>
          <textarea id="rca-impact" name="impact">
            {rca?.impact ?? ''}
          </textarea>
          <label for="rca-causes">Root causes (one per line)</label>
          <textarea id="rca-causes" name="rootCauses">
            {lines(rca?.rootCauses)}
          </textarea>
          <label for="rca-factors">Contributing factors (one per line)</label>
          <textarea id="rca-factors" name="contributingFactors">
            {lines(rca?.contributingFactors)}
          </textarea>
          <label for="rca-whys">Five whys (one per line: question =&gt; answer)</label>
          <textarea id="rca-whys" name="fiveWhys">
            {whys}
          </textarea>
          <label for="rca-lessons">Lessons learned</label>
          <textarea id="rca-lessons" name="lessonsLearned">
            {rca?.lessonsLearned ?? ''}
          </textarea>
          <p>
            <button type="submit">Save analysis</button>
          </p>
        </form>
      ) : rca ? (
        <dl class="facts">
          <dt>Summary</dt>
          <dd class="detail">{rca.summary}</dd>
          <dt>Root causes</dt>
          <dd>{rca.rootCauses.join('; ')}</dd>
          <dt>Lessons</dt>
          <dd class="detail">{rca.lessonsLearned}</dd>
        </dl>
      ) : (
        <p class="muted">No analysis yet.</p>
      )}
      {rca && rca.status !== 'approved' && can(viewer, 'rca:approve') ? (
        <form method="post" action={`/incidents/${reference}/rca/approve`}>
          <CsrfField viewer={viewer} />
          <input type="hidden" name="expectedVersion" value={String(rca.version)} />
          <button type="submit" class="secondary">
            Approve analysis (someone who did not write it)
          </button>
        </form>
      ) : null}
      <p>
        <a href={`/incidents/${reference}/report`}>Incident report</a>
      </p>
    </section>
  );
}
