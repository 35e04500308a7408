// Alertmanager's two wire formats, parsed into plain alerts for incidents/.
export { alertmanagerRoutes } from './routes.ts';
export { WebhookPayload, webhookAlerts } from './webhook-payload.ts';
export { PostableAlerts, postableAlerts } from './postable-alerts.ts';
