import path from 'node:path';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import type { AppEnv } from '../../platform/index.ts';
import type { Asset } from '../assets.ts';
import { readAsset, sendAsset } from '../assets.ts';

// Swagger UI from node_modules (swagger-ui-dist), read at the first visit: no CDN, nothing leaves the machine.
let assets: Record<string, Asset> | null = null;
function loadAssets(): Record<string, Asset> {
  const swagger = getAbsoluteFSPath();
  assets ??= {
    'swagger-ui.css': readAsset(path.join(swagger, 'swagger-ui.css'), 'text/css; charset=utf-8'),
    'swagger-ui-bundle.js': readAsset(path.join(swagger, 'swagger-ui-bundle.js'), 'text/javascript; charset=utf-8'),
    'api-docs.js': readAsset(path.join(import.meta.dirname, 'api-docs.js'), 'text/javascript; charset=utf-8'),
  };
  return assets;
}

function page(versions: Record<string, string>): string {
  const url = (file: string) => `/api/docs/assets/${file}?v=${versions[file] ?? '0'}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Firebreak API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${url('swagger-ui.css')}">
<style>
  body { margin: 0; font-family: system-ui, sans-serif; }
  .api-docs-header { padding: 12px 20px; border-bottom: 1px solid #ddd; display: flex; gap: 20px; align-items: baseline; flex-wrap: wrap; }
  .api-docs-header h1 { font-size: 1.2rem; margin: 0; }
  .swagger-ui .topbar { display: none; }
</style>
</head>
<body>
<header class="api-docs-header">
  <h1>Firebreak API reference</h1>
  <a href="/">Dashboard</a>
  <a href="/openapi.json">openapi.json</a>
</header>
<main id="api-reference"></main>
<script src="${url('swagger-ui-bundle.js')}"></script>
<script src="${url('api-docs.js')}"></script>
</body>
</html>`;
}

/** /api/docs: a readable API reference of /openapi.json (Swagger UI, served by Firebreak itself). */
export const apiDocsRoutes = new Hono<AppEnv>()
  .get('/', describeRoute({ summary: 'This API reference, as a web page', tags: ['operations'] }), (c) => {
    const versions = Object.fromEntries(Object.entries(loadAssets()).map(([file, asset]) => [file, asset.etag.slice(1, 9)]));
    return c.html(page(versions));
  })
  .get('/assets/:file', describeRoute({ hide: true }), (c) => sendAsset(c, loadAssets()[c.req.param('file')]));
