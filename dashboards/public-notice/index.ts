// The public notice page's surface: server.ts mounts it at /notices.

export { NoticePage } from './notice-page.tsx';
export { publicNoticeRoutes } from './routes.tsx';
