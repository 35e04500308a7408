import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../../platform/index.ts';
import { InvalidInputError, READ_RESPONSES, requirePermission, streamBody, validate } from '../../platform/index.ts';
import type { ExportKindName } from './export-kinds.ts';
import { EXPORT_KIND_NAMES, parseKindList } from './export-kinds.ts';
import { streamExportArchive } from './stream-export.ts';

const tags = ['data'];
const archive = {
  description:
    'A tar archive: NDJSON and CSV files per kind, reports/<reference>.md, and manifest.json (last) with counts and SHA-256 per file',
  content: { 'application/x-tar': { schema: { type: 'string' as const, format: 'binary' } } },
};
const responses = { ...READ_RESPONSES, 200: archive, 400: { description: 'Unknown kind; the message lists the known ones' } };

const ExportQuery = z.object({
  kinds: z
    .string()
    .max(400)
    .optional()
    .meta({ description: `Comma-separated kinds (default all): ${EXPORT_KIND_NAMES.join(', ')}` }),
});
const KindParam = z.object({ kind: z.enum(EXPORT_KIND_NAMES) });

function kindsFrom(list: string | undefined): ExportKindName[] {
  const { kinds, unknown } = parseKindList(list);
  if (unknown.length)
    throw new InvalidInputError(`Unknown export kind ${unknown.join(', ')}; the kinds are ${EXPORT_KIND_NAMES.join(', ')}.`);
  return kinds;
}

function tarAnswer(stream: AsyncIterable<Uint8Array>, name: string): Response {
  return new Response(streamBody(stream), {
    headers: {
      'content-type': 'application/x-tar',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
    },
  });
}

const stamp = () =>
  new Date()
    .toISOString()
    .replaceAll(':', '')
    .replace(/\.\d+Z$/, 'Z');

/** /api/export: everything Firebreak holds in open formats, streamed as tar; per kind, so that a broken download resumes with the kinds it lacks. */
export const exportRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({ summary: 'Export all data (or the kinds named) as one tar archive, streamed', tags, responses }),
    requirePermission('data:export'),
    validate('query', ExportQuery),
    (c) => tarAnswer(streamExportArchive(c.var.ctx.db, kindsFrom(c.req.valid('query').kinds)), `firebreak-export-${stamp()}.tar`),
  )
  .get(
    '/:kind',
    describeRoute({ summary: 'Export one kind as a tar archive with its own manifest.json', tags, responses }),
    requirePermission('data:export'),
    validate('param', KindParam),
    (c) => {
      const { kind } = c.req.valid('param');
      return tarAnswer(streamExportArchive(c.var.ctx.db, [kind]), `firebreak-export-${kind}-${stamp()}.tar`);
    },
  );
