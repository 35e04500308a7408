// The playbooks room's surface: what other rooms and parts use of it.
export { addChecklistItem, NewChecklistItem } from './add-checklist-item.ts';
export { checklistRoutes } from './checklist-routes.ts';
export { ChecklistItemUpdate, completeChecklistItem } from './complete-checklist-item.ts';
export type { PhaseChecklist } from './list-checklist.ts';
export { listChecklist } from './list-checklist.ts';
export { loadPlaybooksFile } from './load-playbooks-file.ts';
export { addServicePlaybooks, instantiateChecklists } from './playbook-checklists.ts';
export { playbookRoutes } from './routes.ts';
export { checklistItems } from './schema/checklist-items.ts';
