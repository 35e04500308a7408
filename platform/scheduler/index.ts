export type { JobRun, TimerHandler, TimerOptions } from './scheduler.ts';
export { Scheduler } from './scheduler.ts';
export type { Timer, TimerInput } from './timers.ts';
export { cancelTimers, scheduleTimer } from './timers.ts';
