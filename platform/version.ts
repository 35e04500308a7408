import { readFileSync } from 'node:fs';

/** The version in package.json: what `firebreak --version` prints and /openapi.json announces. */
export const FIREBREAK_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
