import type { Elevation } from '../../../platform/index.ts';

/** An elevation's state as the admin pages say it: a request nobody decided in time is "expired unanswered". */
export function elevationState(elevation: Pick<Elevation, 'status' | 'decidedAt'>): string {
  return elevation.status === 'expired' && !elevation.decidedAt ? 'expired unanswered' : elevation.status;
}
