import { z } from 'zod';
import { ACTION_ITEM_STATUSES } from './schema/action-items.ts';

export const NewActionItem = z
  .object({
    title: z.string().trim().min(1).max(300),
    description: z.string().trim().max(20_000).default(''),
    /** Who does it: a name, or a person with an account (ownerUserId), whose name is then taken. */
    ownerName: z.string().trim().min(1).max(200).optional(),
    ownerUserId: z.uuid().optional(),
    dueAt: z.coerce.date().optional(),
  })
  .strict()
  .refine((input) => input.ownerName !== undefined || input.ownerUserId !== undefined, {
    message: 'an action item needs an owner: ownerName or ownerUserId',
    path: ['ownerUserId'],
  });
export type NewActionItem = z.input<typeof NewActionItem>;

export const ActionItemUpdate = z
  .object({
    title: z.string().trim().min(1).max(300),
    description: z.string().trim().max(20_000),
    ownerName: z.string().trim().min(1).max(200),
    ownerUserId: z.uuid().nullable(),
    dueAt: z.coerce.date().nullable(),
    status: z.enum(ACTION_ITEM_STATUSES),
  })
  .partial()
  .extend({ expectedVersion: z.number().int().min(1).optional() })
  .strict();
export type ActionItemUpdate = z.input<typeof ActionItemUpdate>;
