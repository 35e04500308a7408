import { readFile } from 'node:fs/promises';
import { and, eq, notInArray, sql } from 'drizzle-orm';
import { parse as parseYaml } from 'yaml';
import { recordAudit } from '../../audit/index.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database/index.ts';
import { describeIssue } from '../../http/validate.ts';
import { identityProviders } from '../../schema/identity-providers.ts';
import { systemContext } from '../actor.ts';
import type { SecretBox } from '../secret-box.ts';
import { SsoConfigFile } from './identity-provider-input.ts';
import { storeIdentityProvider } from './identity-providers.ts';

export class SsoConfigFileError extends Error {
  constructor(path: string, problem: string) {
    super(`SSO_CONFIG_FILE (${path}): ${problem}`);
    this.name = 'SsoConfigFileError';
  }
}

/**
 * Applies SSO_CONFIG_FILE (YAML or JSON) at start: its providers are created or replaced by name and
 * are read-only in the API and the web page; providers an earlier version of the file defined and this
 * one does not are removed. A bad file stops the start with a message naming the field.
 */
export async function loadSsoConfigFile(db: Database, config: Config, secrets: SecretBox, path: string): Promise<string[]> {
  let document: unknown;
  try {
    document = parseYaml(await readFile(path, 'utf8'));
  } catch (error) {
    throw new SsoConfigFileError(path, `cannot be read as YAML or JSON: ${(error as Error).message}`);
  }
  const parsed = SsoConfigFile.safeParse(document);
  if (!parsed.success) throw new SsoConfigFileError(path, parsed.error.issues.slice(0, 10).map(describeIssue).join('; '));
  const names = parsed.data.identityProviders.map((provider) => provider.name);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice) throw new SsoConfigFileError(path, `identityProviders: the name "${twice}" appears twice`);
  const ctx = systemContext(db, config);
  return db.transaction(async (tx) => {
    const stale = and(eq(identityProviders.source, 'file'), names.length ? notInArray(identityProviders.name, names) : sql`true`);
    const removed = await tx.delete(identityProviders).where(stale).returning({ name: identityProviders.name });
    for (const input of parsed.data.identityProviders) {
      const [existing] = await tx.select().from(identityProviders).where(eq(identityProviders.name, input.name)).limit(1);
      try {
        await storeIdentityProvider(tx, secrets, input, 'file', existing ?? null);
      } catch (error) {
        throw new SsoConfigFileError(path, `identityProviders "${input.name}": ${(error as Error).message}`);
      }
    }
    await recordAudit(tx, ctx, {
      action: 'auth.identity_provider.load_file',
      targetType: 'identity_provider',
      details: { path, providers: names, removed: removed.map((row) => row.name) },
    });
    return names;
  });
}
