import { nameAlert } from './name-alert.ts';
import type { InhibitionRelease } from './schema/alerts.ts';

/**
 * Why an alert is no longer inhibited, as its timeline entry, Slack and /alerts say it: "no longer
 * inhibited: source ClusterDown on eu-1 resolved". `sourceLabels` are the source's labels, null
 * when it is gone (then or since, by retention).
 */
export function describeInhibitionRelease(
  release: Pick<InhibitionRelease, 'source' | 'cause'>,
  sourceLabels: Record<string, string> | null,
): string {
  if (release.cause === 'gone') return 'no longer inhibited: its source alert is gone';
  const source = sourceLabels ? nameAlert(release.source, sourceLabels) : 'its source';
  if (release.cause === 'rule removed') return `no longer inhibited: the rule by which ${source} muted it was removed`;
  return `no longer inhibited: ${sourceLabels ? 'source ' : ''}${source} ${release.cause}`;
}

/** The release that tells of the alert's current episode (a later episode began after it), or null. */
export function currentInhibitionRelease(alert: {
  startsAt: Date;
  inhibitedBy: string | null;
  inhibitionRelease: InhibitionRelease | null;
}): InhibitionRelease | null {
  const release = alert.inhibitionRelease;
  if (!release || alert.inhibitedBy) return null;
  return new Date(release.at).getTime() >= alert.startsAt.getTime() ? release : null;
}
