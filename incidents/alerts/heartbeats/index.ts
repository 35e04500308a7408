// Heartbeats (dead man's switches): always-firing alerts whose silence means the pipeline is down.
export { silentPipelineTitle } from './check-heartbeat.ts';
export { createHeartbeat } from './create-heartbeat.ts';
export { deleteHeartbeat } from './delete-heartbeat.ts';
export { hearHeartbeats, takeHeartbeats } from './hear-heartbeats.ts';
export { HeartbeatInput } from './heartbeat-input.ts';
export { HEARTBEAT_TIMER } from './heartbeat-timer.ts';
export type { HeartbeatState, HeartbeatView } from './list-heartbeats.ts';
export { getHeartbeat, listHeartbeats } from './list-heartbeats.ts';
export { registerHeartbeats } from './register-heartbeats.ts';
export { heartbeatRoutes } from './routes.ts';
export { updateHeartbeat } from './update-heartbeat.ts';
