// The action-items room's surface: what other rooms and parts use of it.
export { ActionItemUpdate, NewActionItem } from './action-item-input.ts';
export { ACTION_ITEM_OVERDUE_TIMER, remindOverdueActionItem } from './action-item-reminders.ts';
export { createActionItem } from './create-action-item.ts';
export { eraseSubjectFromActionItems } from './erase-from-action-items.ts';
export { listActionItems } from './list-action-items.ts';
export { actionItemRoutes } from './routes.ts';
export type { ActionItem } from './schema/action-items.ts';
export { updateActionItem } from './update-action-item.ts';
