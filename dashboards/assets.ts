import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { AppEnv } from '../platform/index.ts';

export interface Asset {
  body: string;
  contentType: string;
  etag: string;
}

/** A static file read once, with an ETag of its content. */
export function readAsset(file: string, contentType: string): Asset {
  const body = readFileSync(file, 'utf8');
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` };
}

const load = (file: string, contentType: string) => readAsset(path.join(import.meta.dirname, 'assets', file), contentType);

/** Answers an asset versioned by content (its URL changes with it), so that it can be cached for a year. */
export function sendAsset(c: Context<AppEnv>, asset: Asset | undefined): Response {
  if (!asset) return c.notFound() as Response;
  c.header('ETag', asset.etag);
  c.header('Cache-Control', 'public, max-age=31536000, immutable');
  if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304);
  c.header('Content-Type', asset.contentType);
  return c.body(asset.body);
}

const assets: Record<string, Asset> = {
  'app.css': load('app.css', 'text/css; charset=utf-8'),
  'app.js': load('app.js', 'text/javascript; charset=utf-8'),
};

/** Versioned by content, so they can be cached for a year. */
export const ASSET_PATHS = {
  css: `/assets/app.css?v=${assets['app.css']?.etag.slice(1, 9) ?? '0'}`,
  js: `/assets/app.js?v=${assets['app.js']?.etag.slice(1, 9) ?? '0'}`,
} as const;

/** The dashboard's stylesheet and script (the CSP allows scripts from 'self' only: no inline code). */
export const assetRoutes = new Hono<AppEnv>().get('/:file', (c) => sendAsset(c, assets[c.req.param('file')]));
