import type { Viewer } from './layout.tsx';
import { CsrfField } from './layout.tsx';

/** "14:05 UTC" (with the date when it is not today's). */
export function shortUtc(at: Date, now: Date = new Date()): string {
  const iso = at.toISOString();
  const time = `${iso.slice(11, 16)} UTC`;
  return iso.slice(0, 10) === now.toISOString().slice(0, 10) ? time : `${iso.slice(0, 10)} ${time}`;
}

/** Shown on every page while the viewer acts under break-glass elevation, with a way to end it now. */
export function ElevationBanner({ viewer }: { viewer: Viewer }) {
  const elevation = viewer.actor.elevation;
  if (!elevation) return null;
  return (
    <div class="banner elevated" role="status" id="elevation-banner">
      <strong>
        Elevated to {viewer.actor.role} until {shortUtc(elevation.endsAt)}
      </strong>{' '}
      — reason: {elevation.reason}. Everything you do meanwhile is marked in the audit trail.{' '}
      <form method="post" action={`/account/elevations/${elevation.id}/end`} class="banner-action">
        <CsrfField viewer={viewer} />
        <button type="submit">End now</button>
      </form>
    </div>
  );
}
