// Alertmanager's two wire formats, parsed into plain alerts for incidents/.

export { PostableAlerts, postableAlerts } from './postable-alerts.ts';
export { alertmanagerRoutes } from './routes.ts';
export { WebhookPayload, webhookAlerts } from './webhook-payload.ts';
