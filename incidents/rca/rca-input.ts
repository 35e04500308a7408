import { z } from 'zod';

const Paragraph = z.string().trim().max(20_000);
const Entry = z.string().trim().min(1).max(2000);

/** The parts of a root-cause analysis; a write sends those it changes. */
export const RcaInput = z
  .object({
    summary: Paragraph,
    impact: Paragraph,
    timelineExcerpt: Paragraph,
    rootCauses: z.array(Entry).max(50),
    contributingFactors: z.array(Entry).max(50),
    fiveWhys: z.array(z.object({ question: Entry, answer: Entry }).strict()).max(10),
    lessonsLearned: Paragraph,
  })
  .partial()
  .extend({ expectedVersion: z.number().int().min(1).optional() })
  .strict();
export type RcaInput = z.infer<typeof RcaInput>;
