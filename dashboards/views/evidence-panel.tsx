import type { TimelineEvent } from '../../incidents/index.ts';
import { PageForm, TextAreaField, TextField, useRefused } from './form-fields.tsx';
import type { Viewer } from './layout.tsx';
import { can, Time } from './layout.tsx';

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** The evidence kept for the incident (title, where it is, its SHA-256) and the form that records more. */
export function EvidencePanel({ evidence, viewer, reference }: { evidence: TimelineEvent[]; viewer: Viewer; reference: string }) {
  return (
    <section class="card" aria-labelledby="evidence-heading" id="evidence">
      <h2 id="evidence-heading">Evidence ({evidence.length})</h2>
      {evidence.length === 0 ? (
        <p class="muted">No evidence recorded.</p>
      ) : (
        <ul class="evidence">
          {evidence.map((event) => {
            const url = text(event.data.url);
            return (
              <li data-evidence={event.id}>
                <div class="what">
                  {/^https?:\/\//.test(url) ? (
                    <a href={url} rel="noreferrer noopener">
                      {text(event.data.title)}
                    </a>
                  ) : (
                    text(event.data.title)
                  )}
                </div>
                {text(event.data.description) ? <div class="detail">{text(event.data.description)}</div> : null}
                <div class="meta">
                  by {event.actorName}, collected <Time at={event.occurredAt} />
                </div>
                {text(event.data.sha256) ? (
                  <div class="labels">
                    <code>sha256 {text(event.data.sha256)}</code>
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {can(viewer, 'incidents:note') ? (
        <details open={useRefused('evidence')}>
          <summary>Add evidence</summary>
          <PageForm id="evidence" action={`/incidents/${reference}/evidence`} viewer={viewer}>
            <TextField
              form="evidence"
              name="title"
              label="What it is"
              required
              maxlength={300}
              placeholder="Access log export, 10:00–11:00"
            />
            <TextField
              form="evidence"
              name="url"
              type="url"
              label="Where it is kept (optional)"
              hint="A link to the file, ticket or dashboard snapshot."
              maxlength={2000}
            />
            <TextField
              form="evidence"
              name="sha256"
              label="SHA-256 of the file (optional)"
              hint="So that it can later be shown unchanged: sha256sum FILE."
              maxlength={64}
            />
            <TextAreaField form="evidence" name="description" label="Notes (optional)" maxlength={20000} rows={2} />
            <p>
              <button type="submit">Add evidence</button>
            </p>
          </PageForm>
        </details>
      ) : null}
    </section>
  );
}
