import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../../platform/index.ts';
import { loadConfig } from '../../platform/index.ts';

/** The configuration of tests that run domain code on a bare database: defaults, nothing delivered. */
export const TEST_CONFIG: Config = loadConfig({
  LOG_LEVEL: 'silent',
  PUBLIC_URL: 'http://firebreak.test',
  DATA_DIR: path.join(tmpdir(), 'firebreak-test-config'),
});
