import { afterAll } from 'vitest';
import { dropWorkerTemplate } from './database.ts';

afterAll(async () => {
  await dropWorkerTemplate();
});
