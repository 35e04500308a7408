import { Hono } from 'hono';
import { AccessReviewInput, buildAccessReview, recordAccessReview } from '../platform/index.ts';
import { submitForm, takeRefusal } from './form-refusals.ts';
import type { DashboardEnv } from './http.tsx';
import { field, parseForm, renderPage } from './http.tsx';
import { AccessReviewPage } from './views/admin/access-review-page.tsx';
import { RefusedFormContext } from './views/form-fields.tsx';

/** /admin/access-review: the review page, and recording a review. */
export function accessReviewAdminRoutes() {
  return new Hono<DashboardEnv>()
    .get('/', async (c) => {
      const since = c.req.query('since');
      const [report, refused] = await Promise.all([
        buildAccessReview(c.var.ctx, parseForm(AccessReviewInput.pick({ since: true }), { since: since || undefined })),
        takeRefusal(c, '/admin/access-review'),
      ]);
      return renderPage(
        c,
        <RefusedFormContext.Provider value={refused}>
          <AccessReviewPage
            viewer={c.var.viewer}
            report={report}
            error={refused?.message ?? null}
            notice={refused || c.req.query('done') !== 'recorded' ? null : 'Review recorded; the next reminder counts from now.'}
          />
        </RefusedFormContext.Provider>,
      );
    })
    .post('/', (c) =>
      submitForm(c, '/admin/access-review', async (form) => {
        const input = parseForm(AccessReviewInput, { notes: field(form, 'notes'), since: field(form, 'since') || undefined });
        await recordAccessReview(c.var.ctx, input);
        return '/admin/access-review?done=recorded';
      }),
    );
}
