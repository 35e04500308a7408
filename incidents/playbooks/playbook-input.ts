import { z } from 'zod';
import { PHASES } from '../phases.ts';

const ChecklistText = z.string().trim().min(1).max(500);

/** A playbook as the API and PLAYBOOKS_FILE give it: exit-checklist items per phase, and a runbook link. */
export const PlaybookInput = z
  .object({
    checklists: z.partialRecord(z.enum(PHASES), z.array(ChecklistText).max(50)),
    runbookUrl: z.url().max(2000).nullable().optional(),
  })
  .strict();
export type PlaybookInput = z.infer<typeof PlaybookInput>;

export const ServiceName = z.string().trim().min(1).max(200);

/** PLAYBOOKS_FILE: the default playbook and per-service ones, applied at every start. */
export const PlaybooksFile = z
  .object({
    default: PlaybookInput.optional(),
    services: z.record(ServiceName, PlaybookInput).default({}),
  })
  .strict();
export type PlaybooksFile = z.infer<typeof PlaybooksFile>;
