import type { Elevation, SessionSummary, TokenSummary, UserSummary } from '../../platform/index.ts';
import { OwnTokens, ProfileForm } from './account-profile.tsx';
import { ElevationSection } from './elevation-request.tsx';
import type { Viewer } from './layout.tsx';
import { CsrfField, Flash, Layout, Time } from './layout.tsx';
import { PasswordChangeForm } from './password-form.tsx';
import { NewTokenShown } from './token-table.tsx';

export function AccountPage({
  viewer,
  sessions,
  elevations,
  selfApprove,
  requestTtlMinutes,
  notice,
  error,
  profile,
  tokens = [],
  created,
  maxDays = 365,
}: {
  viewer: Viewer;
  sessions: SessionSummary[];
  elevations: Elevation[];
  selfApprove: boolean;
  requestTtlMinutes: number;
  notice?: string | null;
  error?: string | null;
  profile?: UserSummary | null;
  tokens?: TokenSummary[];
  created?: { name: string; token: string } | null;
  maxDays?: number;
}) {
  return (
    <Layout title="Your account" viewer={viewer} section="account">
      <h1>{viewer.actor.name}</h1>
      <Flash notice={notice} error={error} />
      {viewer.actor.mustChangePassword ? <PasswordChangeForm viewer={viewer} /> : null}
      {created ? <NewTokenShown created={created} listUrl="/account" /> : null}
      {profile ? <ProfileForm viewer={viewer} profile={profile} /> : null}
      <section class="card" aria-labelledby="perm-title">
        <h2 id="perm-title">Role: {viewer.actor.role}</h2>
        <p class="muted">{[...viewer.actor.permissions].sort().join(', ') || 'no permissions'}</p>
      </section>
      <ElevationSection viewer={viewer} elevations={elevations} selfApprove={selfApprove} requestTtlMinutes={requestTtlMinutes} />
      <section class="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Where you are logged in</h2>
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">Since</th>
              <th scope="col">Last active</th>
              <th scope="col">Browser</th>
              <th scope="col">Address</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((session) => (
              <tr>
                <td data-label="Since">
                  <Time at={session.createdAt} /> {session.current ? <strong>(this browser)</strong> : null}
                </td>
                <td data-label="Last active">
                  <Time at={session.lastSeenAt} />
                </td>
                <td data-label="Browser">{session.userAgent ?? '—'}</td>
                <td data-label="Address">{session.sourceAddress ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="post" action="/logout/everywhere" data-confirm="Log out of every browser, this one included?">
          <CsrfField viewer={viewer} />
          <p>
            <button type="submit" class="danger">
              Log out everywhere
            </button>
          </p>
        </form>
      </section>
      {viewer.actor.mustChangePassword ? null : <OwnTokens viewer={viewer} tokens={tokens} maxDays={maxDays} />}
      {viewer.actor.mustChangePassword ? null : <PasswordChangeForm viewer={viewer} />}
    </Layout>
  );
}
