import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export interface TestCertificate {
  /** PEM of the self-signed certificate, to trust as an authority. */
  cert: string;
  key: string;
  /** A file holding `cert`, for settings that take a path (PAGERDUTY_CA_FILE). */
  certFile: string;
  remove(): Promise<void>;
}

/**
 * A fresh self-signed certificate for 127.0.0.1 and localhost, made with openssl: an EC key, or RSA
 * for signatures that must be RSA (SAML's XML signatures, as identity providers make them).
 */
export async function makeTestCertificate(options: { keyType?: 'ec' | 'rsa' } = {}): Promise<TestCertificate> {
  const key = options.keyType === 'rsa' ? ['rsa:2048'] : ['ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  const folder = await mkdtemp(path.join(tmpdir(), 'firebreak-tls-'));
  const keyFile = path.join(folder, 'key.pem');
  const certFile = path.join(folder, 'cert.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    ...key,
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    '/CN=Firebreak test authority',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  return {
    cert: await readFile(certFile, 'utf8'),
    key: await readFile(keyFile, 'utf8'),
    certFile,
    remove: () => rm(folder, { recursive: true, force: true }),
  };
}
