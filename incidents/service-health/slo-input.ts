import { z } from 'zod';
import { LATENCY_BOUNDS_MS } from './latency-buckets.ts';
import { SLO_INDICATORS, SLO_SPAN_KINDS } from './schema/slos.ts';

const Name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-"');

/** An SLO as the API and SLO_CONFIG_FILE take it. */
export const SloInput = z
  .object({
    service: z.string().trim().min(1).max(200).describe('service.name of the spans'),
    name: Name.describe('unique per service, e.g. "availability" or "checkout-latency"'),
    indicator: z.enum(SLO_INDICATORS),
    objective: z
      .number()
      .gt(0.5, 'must be a fraction above 0.5, e.g. 0.999 for 99.9%')
      .lt(1, 'must be below 1: a 100% objective has no error budget to burn'),
    thresholdMs: z
      .number()
      .refine((value) => (LATENCY_BOUNDS_MS as readonly number[]).includes(value), {
        message: `must be one of the latency histogram bounds: ${LATENCY_BOUNDS_MS.join(', ')} ms`,
      })
      .optional(),
    spanKind: z.enum(SLO_SPAN_KINDS).default('server'),
    operation: z.string().trim().min(1).max(500).nullable().default(null),
    description: z.string().max(2000).default(''),
  })
  .superRefine((slo, context) => {
    if (slo.indicator === 'latency' && slo.thresholdMs === undefined) {
      context.addIssue({ code: 'custom', path: ['thresholdMs'], message: 'is required for a latency SLO' });
    }
    if (slo.indicator === 'availability' && slo.thresholdMs !== undefined) {
      context.addIssue({ code: 'custom', path: ['thresholdMs'], message: 'applies to latency SLOs only' });
    }
  });
export type SloInput = z.infer<typeof SloInput>;

/** SLO_CONFIG_FILE: `{ "slos": [SloInput, ...] }`. */
export const SloFile = z.object({ slos: z.array(SloInput).max(10_000) }).strict();
