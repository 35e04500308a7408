import { z } from 'zod';
import { ROLES } from '../auth/roles.ts';
import { ELEVATION_MINUTES } from './elevation-roles.ts';

export const ElevationRequestInput = z
  .object({
    role: z.enum(ROLES).refine((role) => role !== 'ingest', 'nobody is elevated to the ingest role'),
    minutes: z.coerce
      .number()
      .int('must be a whole number of minutes')
      .min(ELEVATION_MINUTES.min, `must be at least ${ELEVATION_MINUTES.min} minutes`)
      .max(ELEVATION_MINUTES.max, `must be at most ${ELEVATION_MINUTES.max} minutes (12 hours)`),
    reason: z.string().trim().min(10, 'must say why, in at least 10 characters').max(1000),
  })
  .strict();
export type ElevationRequestInput = z.infer<typeof ElevationRequestInput>;

export const ElevationDecisionInput = z.object({ note: z.string().trim().max(1000).optional() }).strict();
export type ElevationDecisionInput = z.infer<typeof ElevationDecisionInput>;
