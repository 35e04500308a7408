import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.ts';

// The binaries take an address, not port 0: each is given a free one.
export { freePort };

/** A tiny /metrics endpoint whose values the test sets; Prometheus scrapes it. */
export interface MetricsTarget {
  port: number;
  set(name: string, labels: Record<string, string>, value: number): void;
  close(): Promise<void>;
}

export async function startMetricsTarget(): Promise<MetricsTarget> {
  const series = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const body = [...series].map(([key, value]) => `${key} ${value}`).join('\n');
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${body}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    set(name, labels, value) {
      const text = Object.entries(labels)
        .map(([label, labelValue]) => `${label}=${JSON.stringify(labelValue)}`)
        .join(',');
      series.set(`${name}{${text}}`, value);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A Debian binary (prometheus, prometheus-alertmanager) running in a temp folder until stop(). */
export interface RunningBinary {
  port: number;
  directory: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Writes the files into a temp folder and starts the binary with args(folder, port); resolves when it
 * answers /-/ready. `port` restarts one where its senders expect it; default a free one.
 */
export async function startBinary(
  binary: string,
  files: Record<string, string>,
  args: (directory: string, port: number) => string[],
  port?: number,
): Promise<RunningBinary> {
  const directory = await mkdtemp(path.join(tmpdir(), `firebreak-${path.basename(binary)}-`));
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(directory, name), content);
  port ??= await freePort();
  const child: ChildProcess = spawn(binary, args(directory, port), { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(directory, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${binary} exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`http://127.0.0.1:${port}/-/ready`)
      .then((response) => response.ok)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${binary} did not become ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { port, directory, output: () => output, stop };
}

/** Polls until check() answers a value (not undefined), or fails with what it last saw. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
