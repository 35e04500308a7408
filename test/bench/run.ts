/**
 * `npm run bench [name ...]`: runs every test/bench/*.bench.ts (or those named) one after another, so
 * that no two compete for the two cores. Each exports `bench(): Promise<void>`, which prints its figures.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const folder = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = (await readdir(folder)).filter((file) => file.endsWith('.bench.ts')).sort();
const selected = wanted.length ? files.filter((file) => wanted.some((name) => file.startsWith(name))) : files;
if (selected.length === 0) {
  console.error(`No benchmark matches ${wanted.join(', ')}; there are: ${files.map((file) => file.replace('.bench.ts', '')).join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const file of selected) {
  console.log(`\n## ${file.replace('.bench.ts', '')}`);
  const started = performance.now();
  try {
    const module = (await import(pathToFileURL(path.join(folder, file)).href)) as { bench(): Promise<void> };
    await module.bench();
  } catch (error) {
    failed++;
    console.error(`benchmark ${file} failed:`, error);
  }
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
process.exit(failed ? 1 : 0);
