import { Hono } from 'hono';
import { ErasureInput, EXPORT_KIND_NAMES, erasePerson, parseKindList, streamExportArchive } from '../incidents/index.ts';
import { assertPermission, InvalidInputError, streamBody } from '../platform/index.ts';
import { submitForm, takeRefusal } from './form-refusals.ts';
import type { DashboardEnv } from './http.tsx';
import { field, renderPage } from './http.tsx';
import { ExportPage } from './views/admin/export-page.tsx';
import type { PrivacyPageProps } from './views/admin/privacy-page.tsx';
import { PrivacyPage } from './views/admin/privacy-page.tsx';
import { RefusedFormContext } from './views/form-fields.tsx';

/** /admin/export: the export page, and the archive it downloads. */
export function exportAdminRoutes() {
  return new Hono<DashboardEnv>()
    .get('/', (c) => {
      assertPermission(c.var.ctx.actor, 'data:export');
      return renderPage(c, <ExportPage viewer={c.var.viewer} kinds={EXPORT_KIND_NAMES} />);
    })
    .get('/download', (c) => {
      assertPermission(c.var.ctx.actor, 'data:export');
      const { kinds, unknown } = parseKindList(c.req.queries('kinds')?.join(','));
      if (unknown.length) throw new InvalidInputError(`Unknown export kind ${unknown.join(', ')}.`);
      const name = `firebreak-export${kinds.length === 1 ? `-${kinds[0]}` : ''}-${new Date().toISOString().slice(0, 10)}.tar`;
      return new Response(streamBody(streamExportArchive(c.var.ctx.db, kinds)), {
        headers: {
          'content-type': 'application/x-tar',
          'content-disposition': `attachment; filename="${name}"`,
          'cache-control': 'no-store',
        },
      });
    });
}

/** /admin/privacy: a data-subject request, found by a dry run (GET, changes nothing) and erased after a confirmation (POST). */
export function privacyAdminRoutes() {
  return (
    new Hono<DashboardEnv>()
      .get('/', async (c) => {
        assertPermission(c.var.ctx.actor, 'privacy:erase');
        const person = { email: c.req.query('email')?.trim() ?? '', name: c.req.query('name')?.trim() ?? '' };
        const refused = await takeRefusal(c, '/admin/privacy');
        const props: PrivacyPageProps = { viewer: c.var.viewer, person, found: null, erased: null, error: null };
        const erased = /^E\d+$/.test(c.req.query('erased') ?? '')
          ? { erasure: c.req.query('erased') ?? '', total: Number(c.req.query('total') ?? 0) }
          : null;
        if (erased) props.erased = erased;
        else if (person.email || person.name) {
          const input = ErasureInput.safeParse({ email: person.email || undefined, name: person.name || undefined, dryRun: true });
          if (input.success) props.found = await erasePerson(c.var.ctx, input.data);
          else props.error = `Not searched: ${input.error.issues.map((issue) => issue.message).join('; ')}.`;
        }
        return renderPage(
          c,
          <RefusedFormContext.Provider value={refused}>
            <PrivacyPage {...props} />
          </RefusedFormContext.Provider>,
        );
      })
      // Post/Redirect/Get: a refusal (no confirmation, bad input) comes back to the findings with the reason.
      .post('/erasure', async (c) => {
        const form = await c.req.parseBody();
        const email = field(form, 'email');
        const name = field(form, 'name');
        const back = `/admin/privacy?${new URLSearchParams({ email, name })}`;
        return submitForm(c, back, async () => {
          if (form.confirm !== 'true')
            throw new InvalidInputError('Tick the confirmation to erase: erasing cannot be undone.', {
              fields: { confirm: 'Tick this to erase.' },
            });
          const report = await erasePerson(c.var.ctx, { email: email || undefined, name: name || undefined, dryRun: false });
          return `/admin/privacy?erased=${report.erasure}&total=${report.total}`;
        });
      })
  );
}
