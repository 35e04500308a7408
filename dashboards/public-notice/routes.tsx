import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { getPublicNotice } from '../../incidents/index.ts';
import type { AppEnv } from '../../platform/index.ts';
import { NotFoundError } from '../../platform/index.ts';
import { NoticeNotFoundPage, NoticePage } from './notice-page.tsx';

/** GET /notices/{token}: a breach notice for its recipient, public (the token is the key), server-rendered. */
export const publicNoticeRoutes = new Hono<AppEnv>().get(
  '/:token',
  describeRoute({ summary: 'A breach notice for its recipient (public page at an unguessable link)', tags: ['breach'], security: [] }),
  async (c) => {
    // The token is a secret in the address: keep it out of caches and other sites' Referer headers.
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Robots-Tag', 'noindex, nofollow');
    try {
      const notice = await getPublicNotice(c.var.ctx.db, c.req.param('token'));
      const organization = c.var.deps.config.BREACH_ORGANIZATION_NAME ?? null;
      return c.html(`<!doctype html>${(<NoticePage notice={notice} organization={organization} />).toString()}`);
    } catch (error) {
      if (error instanceof NotFoundError) return c.html(`<!doctype html>${(<NoticeNotFoundPage />).toString()}`, 404);
      throw error;
    }
  },
);
