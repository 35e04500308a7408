import type { ErasureReport } from '../../../incidents/index.ts';
import { CheckboxField, PageForm } from '../form-fields.tsx';
import type { Viewer } from '../layout.tsx';
import { Flash, Layout } from '../layout.tsx';

export interface PrivacyPageProps {
  viewer: Viewer;
  /** What was searched for (the dry run's input). */
  person: { email: string; name: string };
  /** The dry run's findings, when a person was given. */
  found: ErasureReport | null;
  /** The erasure just applied: its number and how many rows changed. */
  erased: { erasure: string; total: number } | null;
  error?: string | null;
}

function ChangesTable({ report }: { report: ErasureReport }) {
  const rows = report.changes.filter((change) => change.count > 0);
  if (!rows.length) return <p>The person appears nowhere Firebreak keeps personal data.</p>;
  return (
    <table class="responsive" id="erasure-findings">
      <thead>
        <tr>
          <th scope="col">Where</th>
          <th scope="col">Rows</th>
          <th scope="col">Ids</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((change) => (
          <tr>
            <td data-label="Where">{change.table}</td>
            <td data-label="Rows">{change.count}</td>
            <td data-label="Ids" class="muted">
              {change.ids.slice(0, 5).join(', ')}
              {change.ids.length > 5 ? ` and ${change.ids.length - 5} more` : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** /admin/privacy: a data-subject request: find where a person appears (a dry run), then erase it after confirming. */
export function PrivacyPage({ viewer, person, found, erased, error }: PrivacyPageProps) {
  return (
    <Layout title="Data-subject requests" viewer={viewer} section="admin">
      <p>
        <a href="/admin">← Admin</a>
      </p>
      <h1>Data-subject requests</h1>
      <Flash
        error={error}
        notice={
          erased
            ? `Erasure ${erased.erasure} done: ${erased.total} row(s) changed. It is recorded in the audit log, without the person's details.`
            : null
        }
      />
      <p class="muted">
        Finds a person by e-mail or name (whole words, any case) in incidents, timelines, notes and their revisions, RCAs, action items,
        roles, breach notices and recipients, delivery records, alert labels and annotations, and user accounts. Erasing replaces each
        mention with a tombstone such as <code>[erased 2026-12-05 #E3]</code>; every row and its order stay. The audit trail is kept as it
        is: it is tamper-evident evidence the law asks you to keep.
      </p>
      <form method="get" action="/admin/privacy" class="card" id="form-erasure-search">
        <div class="field">
          <label for="erasure-search-email">E-mail</label>
          <input id="erasure-search-email" name="email" type="email" value={person.email} maxlength={320} />
        </div>
        <div class="field">
          <label for="erasure-search-name">Name</label>
          <input id="erasure-search-name" name="name" type="text" value={person.name} maxlength={200} />
        </div>
        <button type="submit">Find (dry run, changes nothing)</button>
      </form>
      {found ? (
        <section class="card" aria-labelledby="findings-heading">
          <h2 id="findings-heading">
            Found in {found.total} row(s){found.total ? `; erasing them writes ${found.tombstone}` : ''}
          </h2>
          <ChangesTable report={found} />
          {found.total ? (
            <PageForm id="erasure-apply" action="/admin/privacy/erasure" viewer={viewer}>
              <input type="hidden" name="email" value={person.email} />
              <input type="hidden" name="name" value={person.name} />
              <CheckboxField form="erasure-apply" name="confirm" label="I have checked the request: erase these mentions for good" />
              <button type="submit" class="danger">
                Erase
              </button>
            </PageForm>
          ) : null}
        </section>
      ) : null}
    </Layout>
  );
}
