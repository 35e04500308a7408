import type { Child } from 'hono/jsx';
import type { DeliveryChannels } from '../../notifier/index.ts';
import type { Actor, Permission } from '../../platform/index.ts';
import { ASSET_PATHS } from '../assets.ts';
import { DeliveryBanner } from './delivery-banner.tsx';
import { ElevationBanner } from './elevation-banner.tsx';

export interface Viewer {
  actor: Actor;
  csrfToken: string;
  /** Which channels tell people about incidents (for the banner shown while none does). */
  channels?: DeliveryChannels;
}

export type Section = 'incidents' | 'alerts' | 'silences' | 'heartbeats' | 'services' | 'admin' | 'account' | 'login';

/** The hidden field every dashboard form carries. */
export function CsrfField({ viewer }: { viewer: Viewer }) {
  return <input type="hidden" name="_csrf" value={viewer.csrfToken} />;
}

export function can(viewer: Viewer | null, permission: Permission): boolean {
  return Boolean(viewer?.actor.permissions.has(permission));
}

function NavLink({ href, current, children }: { href: string; current: boolean; children: Child }) {
  return (
    <li>
      <a href={href} aria-current={current ? 'page' : undefined}>
        {children}
      </a>
    </li>
  );
}

/** Banner for the result of the last action (success or the error's message). */
export function Flash({ error, notice }: { error?: string | null; notice?: string | null }) {
  return (
    <>
      {error ? (
        <div class="flash error" role="alert">
          {error}
        </div>
      ) : null}
      {notice ? (
        <div class="flash ok" role="status">
          {notice}
        </div>
      ) : null}
    </>
  );
}

/** Every dashboard page: header with navigation, main landmark, the stylesheet and the one script. */
export function Layout({ title, viewer, section, children }: { title: string; viewer: Viewer | null; section: Section; children: Child }) {
  const isAdmin =
    can(viewer, 'users:manage') || can(viewer, 'tokens:manage') || can(viewer, 'audit:read') || can(viewer, 'notifications:retry');
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Firebreak`}</title>
        <link rel="stylesheet" href={ASSET_PATHS.css} />
        <script src={ASSET_PATHS.js} defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href="/incidents">
            Firebreak
          </a>
          {viewer ? (
            <>
              <nav aria-label="Main">
                <ul>
                  <NavLink href="/incidents" current={section === 'incidents'}>
                    Incidents
                  </NavLink>
                  {can(viewer, 'alerts:read') ? (
                    <>
                      <NavLink href="/alerts" current={section === 'alerts'}>
                        Alerts
                      </NavLink>
                      <NavLink href="/silences" current={section === 'silences'}>
                        Silences
                      </NavLink>
                      <NavLink href="/heartbeats" current={section === 'heartbeats'}>
                        Heartbeats
                      </NavLink>
                    </>
                  ) : null}
                  {can(viewer, 'services:read') ? (
                    <NavLink href="/services" current={section === 'services'}>
                      Services
                    </NavLink>
                  ) : null}
                  {isAdmin ? (
                    <NavLink href="/admin" current={section === 'admin'}>
                      Admin
                    </NavLink>
                  ) : null}
                  <NavLink href="/account" current={section === 'account'}>
                    {viewer.actor.name}
                  </NavLink>
                </ul>
              </nav>
              <form method="post" action="/logout">
                <CsrfField viewer={viewer} />
                <button type="submit">Log out</button>
              </form>
            </>
          ) : null}
        </header>
        {viewer ? <ElevationBanner viewer={viewer} /> : null}
        {viewer ? <DeliveryBanner channels={viewer.channels} isAdmin={can(viewer, 'users:manage')} /> : null}
        <main id="main">{children}</main>
      </body>
    </html>
  );
}

/** "3 min ago"-free absolute time: ISO in the attribute, a readable UTC time in the text. */
export function Time({ at }: { at: Date | null | undefined }) {
  if (!at) return <span class="muted">—</span>;
  const iso = at.toISOString();
  return <time datetime={iso}>{`${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`}</time>;
}
