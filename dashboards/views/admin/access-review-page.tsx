import type { AccessReviewReport } from '../../../platform/index.ts';
import { PageForm, TextAreaField } from '../form-fields.tsx';
import type { Viewer } from '../layout.tsx';
import { Flash, Layout, Time } from '../layout.tsx';
import { elevationState } from './elevation-state.ts';
import { AdminNav } from './nav.tsx';

/** Whom a change was about, as its audit details name them (an e-mail, a token's name, a person). */
function subjectOf(details: Record<string, unknown>): string {
  const named = [details.email, details.name, details.user].find((value) => typeof value === 'string');
  return typeof named === 'string' ? named : '';
}

function PeopleTable({ report }: { report: AccessReviewReport }) {
  return (
    <table class="responsive">
      <thead>
        <tr>
          <th scope="col">Person</th>
          <th scope="col">Role</th>
          <th scope="col">Logs in with</th>
          <th scope="col">MFA</th>
          <th scope="col">Last login</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        {report.people.map((person) => (
          <tr>
            <td data-label="Person">
              {person.name} <span class="muted">{person.email}</span>
            </td>
            <td data-label="Role">{person.role}</td>
            <td data-label="Logs in with">{person.login}</td>
            <td data-label="MFA">{person.mfa === 'totp' ? 'authenticator (TOTP)' : <strong>none yet</strong>}</td>
            <td data-label="Last login">
              <Time at={person.lastLoginAt} />
            </td>
            <td data-label="State">{person.status}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TokensTable({ report }: { report: AccessReviewReport }) {
  return (
    <table class="responsive">
      <thead>
        <tr>
          <th scope="col">Token</th>
          <th scope="col">Role</th>
          <th scope="col">Belongs to</th>
          <th scope="col">Last used</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        {report.tokens.map((token) => (
          <tr>
            <td data-label="Token">{token.name}</td>
            <td data-label="Role">{token.role}</td>
            <td data-label="Belongs to">{token.kind === 'service' ? <span class="muted">a service (nobody)</span> : token.ownerName}</td>
            <td data-label="Last used">
              <Time at={token.lastUsedAt} />
            </td>
            <td data-label="State">{token.status}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** /admin/access-review: who has access and how, what changed in the period, and recording the review. */
export function AccessReviewPage({
  viewer,
  report,
  notice,
  error,
}: {
  viewer: Viewer;
  report: AccessReviewReport;
  notice?: string | null;
  error?: string | null;
}) {
  const csvLink = `/api/access-review?format=csv&since=${encodeURIComponent(report.since.toISOString())}`;
  const overdue = report.nextReviewDueAt.getTime() <= report.until.getTime();
  return (
    <Layout title="Access review" viewer={viewer} section="admin">
      <h1>Access review</h1>
      <AdminNav viewer={viewer} current="/admin/access-review" />
      <Flash notice={notice} error={error} />
      <section class="card" aria-labelledby="review-status-title">
        <h2 id="review-status-title">Status</h2>
        <p>
          {report.lastReview ? (
            <>
              Last review <Time at={report.lastReview.reviewedAt} /> by {report.lastReview.reviewerName}.{' '}
            </>
          ) : (
            'No review recorded yet. '
          )}
          <span id="next-review" class={overdue ? 'meta failing' : undefined}>
            Next review {overdue ? 'was due' : 'due'} <Time at={report.nextReviewDueAt} />.
          </span>
        </p>
        <p>
          Period: <Time at={report.since} /> to <Time at={report.until} />. <a href={csvLink}>Download as CSV</a>
        </p>
      </section>
      <section class="card" aria-labelledby="people-title">
        <h2 id="people-title">People ({report.people.length})</h2>
        <PeopleTable report={report} />
      </section>
      <section class="card" aria-labelledby="review-tokens-title">
        <h2 id="review-tokens-title">API tokens ({report.tokens.length})</h2>
        <TokensTable report={report} />
      </section>
      <section class="card" aria-labelledby="review-elevations-title">
        <h2 id="review-elevations-title">Elevations in the period ({report.elevations.length})</h2>
        {report.elevations.length === 0 ? <p class="muted">None.</p> : null}
        <ul>
          {report.elevations.map((elevation) => (
            <li>
              <Time at={elevation.requestedAt} /> {elevation.userName}: {elevation.fromRole} → {elevation.role}, {elevationState(elevation)}
              {elevation.selfApproved ? (
                <strong> (self-approved)</strong>
              ) : elevation.decidedByName ? (
                ` (by ${elevation.decidedByName})`
              ) : (
                ''
              )}
              , {elevation.actionsTaken} actions under it — {elevation.reason}
            </li>
          ))}
        </ul>
      </section>
      <section class="card" aria-labelledby="review-changes-title">
        <h2 id="review-changes-title">Who changed what ({report.changes.length})</h2>
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Of</th>
            </tr>
          </thead>
          <tbody>
            {report.changes.map((change) => (
              <tr>
                <td data-label="When">
                  <Time at={change.at} />
                </td>
                <td data-label="Who">
                  {change.actorName}
                  {change.details.elevation ? <strong> (elevated)</strong> : null}
                </td>
                <td data-label="What">
                  <code>{change.action}</code>
                </td>
                <td data-label="Of">
                  <a href={`/admin/audit?targetId=${encodeURIComponent(change.targetId ?? '')}`}>
                    {change.targetType} {subjectOf(change.details)}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="card" aria-labelledby="record-review-title">
        <h2 id="record-review-title">Record this review</h2>
        <PageForm id="access-review" action="/admin/access-review" viewer={viewer}>
          <input type="hidden" name="since" value={report.since.toISOString()} />
          <TextAreaField
            form="access-review"
            name="notes"
            label="What you reviewed and found"
            hint="E.g. who was removed or changed, which tokens were kept and why."
            required
            maxlength={10000}
            rows={4}
          />
          <button type="submit">Record the review</button>
        </PageForm>
        {report.reviews.length > 0 ? (
          <>
            <h3>Recorded reviews</h3>
            <ul id="past-reviews">
              {report.reviews.map((review) => (
                <li>
                  <Time at={review.reviewedAt} /> by {review.reviewerName}: {review.notes}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
    </Layout>
  );
}
