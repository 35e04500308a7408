import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What a command printed and how it ended (a failing command is an answer here, not an exception). */
export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function outcome(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(file, args, { env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/**
 * Podman as these machines need it: root, runc with cgroupfs, and no default ulimits (setting them
 * fails here). CONTAINERS_CONF points at a file that says so.
 */
export class Podman {
  private constructor(private readonly env: NodeJS.ProcessEnv) {}

  static async create(workDirectory: string): Promise<Podman> {
    for (const tool of ['/usr/bin/podman', '/usr/sbin/runc', '/usr/sbin/debootstrap']) {
      if (!existsSync(tool)) throw new Error(`${tool} is missing: apt-get install -y podman runc debootstrap`);
    }
    const conf = path.join(workDirectory, 'containers.conf');
    await writeFile(conf, '[containers]\ndefault_ulimits = []\n');
    return new Podman({ ...process.env, CONTAINERS_CONF: conf });
  }

  /** Runs `podman <args>` and returns how it ended. */
  run(args: string[]): Promise<Outcome> {
    return outcome('podman', ['--runtime=/usr/sbin/runc', '--cgroup-manager=cgroupfs', ...args], this.env);
  }

  /** Runs `podman <args>` and returns its output; throws with its stderr when it fails. */
  async ok(args: string[]): Promise<string> {
    const result = await this.run(args);
    if (result.code !== 0) throw new Error(`podman ${args.join(' ')} exited ${result.code}:\n${result.stderr || result.stdout}`);
    return result.stdout.trim();
  }
}

/** The Debian mirror apt uses on this machine (deb.debian.org when none is configured). */
async function debianMirror(): Promise<string> {
  const { stdout } = await outcome('sh', ['-c', 'cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null']);
  const sources = stdout
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  const match = /(https?:\/\/\S+\/debian)\/?(?=\s|$)/m.exec(sources);
  return match?.[1] ?? 'http://deb.debian.org/debian';
}

/**
 * A minimal Debian bookworm made with debootstrap, with this machine's node and npm copied in:
 * the stand-in for the official Node image, which no registry here serves. The root filesystem is
 * cached as a tarball in `cacheDirectory` (debootstrap takes minutes; the import seconds).
 */
export async function buildBaseImage(podman: Podman, cacheDirectory: string): Promise<string> {
  const rawTag = 'localhost/firebreak-test-debian:bookworm';
  if ((await podman.run(['image', 'exists', rawTag])).code !== 0) {
    await mkdir(cacheDirectory, { recursive: true });
    const tarball = path.join(cacheDirectory, 'debian-bookworm-minbase.tar');
    if (!existsSync(tarball)) {
      const root = await mkdtemp(path.join(cacheDirectory, 'rootfs-'));
      try {
        const made = await outcome('debootstrap', ['--variant=minbase', 'bookworm', root, await debianMirror()]);
        if (made.code !== 0) throw new Error(`debootstrap failed:\n${made.stdout.slice(-4000)}${made.stderr}`);
        const packed = await outcome('tar', ['-C', root, '-cf', `${tarball}.partial`, '.']);
        if (packed.code !== 0) throw new Error(`tar failed: ${packed.stderr}`);
        await rename(`${tarball}.partial`, tarball);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    }
    await podman.ok(['import', tarball, rawTag]);
  }

  const tag = `localhost/firebreak-test-base:node-${process.version}`;
  const context = await mkdtemp(path.join(os.tmpdir(), 'firebreak-base-'));
  try {
    const npmRoot = path.join(path.dirname(path.dirname(process.execPath)), 'lib', 'node_modules', 'npm');
    await cp(process.execPath, path.join(context, 'node'));
    await cp(npmRoot, path.join(context, 'npm'), { recursive: true });
    // Where the network re-signs TLS (as here), node needs the machine's certificate authorities too.
    const extraCertificates = process.env.NODE_EXTRA_CA_CERTS;
    if (extraCertificates) await cp(extraCertificates, path.join(context, 'extra-ca.crt'));
    await writeFile(
      path.join(context, 'Containerfile'),
      [
        `FROM ${rawTag}`,
        'COPY node /usr/local/bin/node',
        'COPY npm /usr/local/lib/node_modules/npm',
        'RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx',
        ...(extraCertificates
          ? [
              'COPY extra-ca.crt /usr/local/share/firebreak-test/extra-ca.crt',
              'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/firebreak-test/extra-ca.crt',
            ]
          : []),
        '',
      ].join('\n'),
    );
    await podman.ok(['build', '--quiet', '-t', tag, context]);
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  return tag;
}
