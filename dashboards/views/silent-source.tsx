/**
 * Said on an incident whose alerts all went quiet without being resolved: their source (Prometheus,
 * Alertmanager, the path between) stopped refreshing them. It is not a recovery, and must not read as one.
 */
export function SilentSourceBanner({ expired }: { expired: number | undefined }) {
  if (!expired) return null;
  return (
    <div class="banner warning" role="alert" id="alerts-expired">
      <strong>Alerts expired — source silent.</strong> {expired === 1 ? 'Its alert' : `All ${expired} of its alerts`} stopped being
      refreshed by their source and nobody resolved {expired === 1 ? 'it' : 'them'}: Prometheus or Alertmanager (or the way to Firebreak)
      may be down. This is not a recovery, so the incident stays open and pages stand. Check the alerting pipeline (docs/alerts.md,{' '}
      <em>Heartbeats</em>).
    </div>
  );
}

/** The list's mark for the same. */
export function SilentSourceBadge({ expired }: { expired: number | undefined }) {
  if (!expired) return null;
  return (
    <div>
      <span class="badge alert-expired" data-silent-source="true" title="Its alerts expired without a resolution: their source went silent">
        alerts expired — source silent
      </span>
    </div>
  );
}
