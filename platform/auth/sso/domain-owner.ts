import { and, arrayContains, eq } from 'drizzle-orm';
import type { Database } from '../../database/index.ts';
import { identityProviders } from '../../schema/identity-providers.ts';

/** The domain of an e-mail address, lower case ("" when there is none). */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0
    ? ''
    : email
        .slice(at + 1)
        .trim()
        .toLowerCase();
}

/** The enabled identity provider that owns the address's domain, if any: its people must sign in there. */
export async function providerOwningEmail(
  db: Database,
  email: string,
): Promise<{ id: string; name: string; label: string; kind: 'oidc' | 'saml'; domain: string } | null> {
  const domain = emailDomain(email);
  if (!domain) return null;
  const [row] = await db
    .select({ id: identityProviders.id, name: identityProviders.name, label: identityProviders.label, kind: identityProviders.kind })
    .from(identityProviders)
    .where(and(eq(identityProviders.enabled, true), arrayContains(identityProviders.domains, [domain])))
    .limit(1);
  return row ? { ...row, domain } : null;
}
