import type { InhibitRule } from '../../incidents/index.ts';
import { PageForm, TextAreaField, TextField, useRefused } from './form-fields.tsx';
import type { Viewer } from './layout.tsx';
import { can, Flash, Layout } from './layout.tsx';

export interface ListedInhibitRule {
  rule: InhibitRule;
  sourceMatchersText: string;
  targetMatchersText: string;
  /** Firing alerts it mutes now. */
  muting: number;
}

/** /inhibit-rules: Alertmanager's inhibition rules as data; a form to add one, a button to remove one. */
export function InhibitRulesPage({
  viewer,
  rules,
  error,
  notice,
}: {
  viewer: Viewer;
  rules: ListedInhibitRule[];
  error?: string | null;
  notice?: string | null;
}) {
  const canWrite = can(viewer, 'routing:write');
  return (
    <Layout title="Inhibition rules" viewer={viewer} section="silences">
      <h1>Inhibition rules</h1>
      <Flash error={error} notice={notice} />
      <p class="muted">
        While a firing alert matches a rule's source, alerts matching its target with the same values of the equal labels are muted: stored
        and listed, but they open and page nothing (Alertmanager's inhibit_rules).
      </p>
      {canWrite ? (
        <details class="card" open={useRefused('inhibit-rule')}>
          <summary>New inhibition rule</summary>
          <PageForm id="inhibit-rule" action="/inhibit-rules" viewer={viewer}>
            <TextField
              form="inhibit-rule"
              name="source"
              label="Source: the alert that mutes"
              required
              maxlength={10000}
              hint='Alertmanager matchers, such as alertname="ClusterDown"'
            />
            <TextField
              form="inhibit-rule"
              name="target"
              label="Target: the alerts it mutes"
              maxlength={10000}
              hint='Such as severity=~"warning|info"; empty: every alert'
            />
            <TextField
              form="inhibit-rule"
              name="equal"
              label="Equal labels"
              maxlength={2000}
              hint="Label names, separated by commas, such as cluster, service"
            />
            <TextAreaField form="inhibit-rule" name="comment" label="Why" maxlength={2000} rows={2} />
            <p>
              <button type="submit">Add rule</button>
            </p>
          </PageForm>
        </details>
      ) : null}
      {rules.length === 0 ? (
        <p class="card">No inhibition rules.</p>
      ) : (
        <ul class="card evidence">
          {rules.map(({ rule, sourceMatchersText, targetMatchersText, muting }) => (
            <li id={`inhibit-rule-${rule.id}`} data-origin={rule.origin}>
              <div class="what">
                <code>{sourceMatchersText || 'any alert'}</code> mutes <code>{targetMatchersText || 'any alert'}</code>
                {rule.equal.length > 0 ? (
                  <>
                    {' '}
                    with equal <code>{rule.equal.join(', ')}</code>
                  </>
                ) : null}
              </div>
              {rule.comment ? <div>{rule.comment}</div> : null}
              <div class="meta">
                {rule.origin === 'file' ? 'from INHIBIT_RULES_FILE' : `by ${rule.createdBy}`} · mutes {muting} firing alert
                {muting === 1 ? '' : 's'} now
              </div>
              {canWrite && rule.origin === 'api' ? (
                <PageForm id={`remove-${rule.id}`} action={`/inhibit-rules/${rule.id}/remove`} viewer={viewer}>
                  <button type="submit" class="secondary">
                    Remove
                  </button>
                </PageForm>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}
