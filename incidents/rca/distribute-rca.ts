import { enqueueMessage, enqueueSlackMessage } from '../../notifier/index.ts';
import type { Config, Database } from '../../platform/index.ts';
import { listActionItems } from '../action-items/index.ts';
import type { Incident } from '../schema/incidents.ts';
import { renderRcaReport } from './render-rca-report.ts';
import type { RootCauseAnalysis } from './schema/root-cause-analyses.ts';

/** RCA_DISTRIBUTION's targets: Slack channels (#name or an id) and e-mail addresses. */
export function distributionTargets(config: Config): string[] {
  return [
    ...new Set(
      config.RCA_DISTRIBUTION.split(',')
        .map((target) => target.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * Sends an approved analysis, in the approving transaction, to every RCA_DISTRIBUTION target through
 * the outbox: a Slack message with a section per part to a channel, an e-mail (text and HTML) to an
 * address. Answers the targets.
 */
export async function distributeRca(
  tx: Database,
  config: Config,
  incident: Incident,
  reference: string,
  rca: RootCauseAnalysis,
): Promise<string[]> {
  const targets = distributionTargets(config);
  if (targets.length === 0) return [];
  const items = await listActionItems(tx, incident.id);
  const report = renderRcaReport(incident, reference, rca, items, `${config.publicUrl}/incidents/${reference}`);
  for (const target of targets) {
    const idempotencyKey = `rca:${incident.id}:v${rca.version}:${target}`;
    if (target.includes('@')) {
      await enqueueMessage(tx, config, {
        channel: 'email',
        idempotencyKey,
        payload: { to: target, subject: report.subject, text: report.text, html: report.html },
      });
    } else {
      await enqueueSlackMessage(tx, config, { channel: target, text: report.slackText, blocks: report.slackBlocks }, idempotencyKey);
    }
  }
  return targets;
}
