// The public notice page's surface: server.ts mounts it at /notices.
export { publicNoticeRoutes } from './routes.tsx';
