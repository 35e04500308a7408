import type { PlaybookChecklists } from './schema/playbooks.ts';

/** The exit checklists used when no default playbook has been configured (API or PLAYBOOKS_FILE). */
export const BUILT_IN_PLAYBOOK: Required<PlaybookChecklists> = {
  preparation: [
    'Incident commander assigned',
    'Responders assembled and paged where needed',
    'Runbook found and linked',
    'Communication channel opened',
  ],
  identification: [
    'Scope determined: systems, services and customers affected',
    'Impact assessed and severity confirmed',
    'Personal data involvement assessed (breach assessment done)',
  ],
  containment: ['Spread stopped (isolated, blocked or disabled)', 'Evidence preserved (logs, snapshots)'],
  eradication: ['Cause removed (fix deployed, malware removed, access revoked)', 'Exposed credentials rotated'],
  recovery: ['Service restored and verified by a check', 'Monitoring confirms normal operation'],
  root_cause_analysis: ['Root-cause analysis written', 'Action items created with owners and due dates'],
};
