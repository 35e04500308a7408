import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/** bin/firebreak.js, what `npx firebreak` runs. */
export const FIREBREAK_BIN = path.resolve(import.meta.dirname, '..', 'bin', 'firebreak.js');

/** Runs `firebreak ARGS` in a process of its own with only `env` (and PATH, HOME); answers its exit code and output. */
export async function firebreakCli(args: string[], env: Record<string, string>) {
  const cleanEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', ...env };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [FIREBREAK_BIN, ...args], { env: cleanEnv });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
