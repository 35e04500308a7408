export { Scheduler } from './scheduler.ts';
export type { TimerHandler, TimerOptions, JobRun } from './scheduler.ts';
export { scheduleTimer, cancelTimers } from './timers.ts';
export type { Timer, TimerInput } from './timers.ts';
