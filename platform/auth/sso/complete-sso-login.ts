import { and, eq } from 'drizzle-orm';
import { recordAudit } from '../../audit/index.ts';
import type { Database } from '../../database/index.ts';
import { DomainError } from '../../errors.ts';
import type { IdentityProvider } from '../../schema/identity-providers.ts';
import { users } from '../../schema/users.ts';
import type { Actor } from '../actor.ts';
import type { LoginOrigin } from '../login.ts';
import { openActiveSession, openPendingSession } from '../login.ts';
import type { Role } from '../roles.ts';
import { permissionsOf } from '../roles.ts';
import type { LoginPolicy } from '../sessions.ts';
import { actorForUser } from '../sessions.ts';
import { emailDomain } from './domain-owner.ts';

/** A single sign-on that was refused; the message is what the person sees, the reason what the audit trail keeps. */
export class SsoRefusedError extends DomainError {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super('sso_refused', message);
  }
}

/** Who the identity provider says signed in, once its answer has been verified. */
export interface ExternalIdentity {
  /** OIDC `sub`, or the SAML NameID. */
  subject: string;
  email: string;
  name: string;
  groups: string[];
  /** The provider asserted a second factor (amr/acr, AuthnContextClassRef). */
  mfa: boolean;
  /** What the audit entry records of how: the amr/acr or the AuthnContextClassRef. */
  evidence: Record<string, unknown>;
}

export type SsoLoginResult =
  | { stage: 'active'; token: string; userId: string }
  | { stage: 'mfa'; token: string; userId: string; mustEnrol: boolean };

/** A password hash no password matches: people made by single sign-on have no password. */
export const NO_PASSWORD = '!sso-only';

const ROLE_RANK: Record<Role, number> = { ingest: 0, scim: 0, viewer: 1, responder: 2, commander: 3, admin: 4 };

/** The role a person's groups give under the provider's mapping (the highest wins), or null when none maps. */
export function roleFromGroups(groupRoles: Record<string, Role>, groups: readonly string[]): Role | null {
  let best: Role | null = null;
  for (const group of groups) {
    const role = groupRoles[group];
    if (role && (!best || ROLE_RANK[role] > ROLE_RANK[best])) best = role;
  }
  return best;
}

function providerActor(provider: Pick<IdentityProvider, 'name' | 'label'>): Actor {
  return { kind: 'system', id: `sso:${provider.name}`, name: provider.label, role: 'viewer', permissions: permissionsOf('viewer') };
}

/** Records a refused single sign-on in the audit trail, with its reason. */
export async function auditSsoRefusal(
  db: Database,
  provider: Pick<IdentityProvider, 'id' | 'name' | 'label' | 'kind'>,
  reason: string,
  origin: LoginOrigin,
  policy: LoginPolicy,
  details: Record<string, unknown> = {},
): Promise<void> {
  await recordAudit(
    db,
    { actor: providerActor(provider), requestId: origin.requestId, sourceAddress: origin.sourceAddress, config: policy.keyConfig },
    {
      action: 'auth.sso.refused',
      targetType: 'identity_provider',
      targetId: provider.id,
      details: { provider: provider.name, kind: provider.kind, reason, ...details },
    },
  );
}

/**
 * The second half of every single sign-on, whatever the protocol: checks that the provider owns the
 * person's domain, finds the person (by provider and subject, else by e-mail) or creates them with the
 * provider's default role, applies the group → role mapping, records the provider, subject and login,
 * and opens a session: active when the provider asserted MFA, otherwise one that still owes
 * Firebreak's own TOTP code (or enrolment). Refusals throw SsoRefusedError; the caller audits them.
 */
export async function completeSsoLogin(
  db: Database,
  provider: IdentityProvider,
  identity: ExternalIdentity,
  origin: LoginOrigin,
  policy: LoginPolicy,
): Promise<SsoLoginResult> {
  const now = origin.now ?? new Date();
  const email = identity.email.trim().toLowerCase();
  const domain = emailDomain(email);
  if (!provider.domains.includes(domain)) {
    throw new SsoRefusedError(
      `${provider.label} signed in ${email}, but ${provider.label} does not speak for ${domain || 'that address'}; ask an admin.`,
      'domain_not_owned',
    );
  }
  const method = provider.kind;
  const mappedRole = roleFromGroups(provider.groupRoles, identity.groups);
  return db.transaction(async (tx) => {
    const [bySubject] = await tx
      .select()
      .from(users)
      .where(and(eq(users.identityProviderId, provider.id), eq(users.externalSubject, identity.subject)))
      .limit(1);
    const [byEmail] = bySubject ? [bySubject] : await tx.select().from(users).where(eq(users.email, email)).limit(1);
    let user = byEmail ?? null;
    if (user?.disabledAt) throw new SsoRefusedError('Your Firebreak account is disabled; ask an admin.', 'user_disabled');
    if (user && user.identityProviderId === provider.id && user.externalSubject && user.externalSubject !== identity.subject) {
      throw new SsoRefusedError(
        `The Firebreak account ${email} belongs to another ${provider.label} identity; ask an admin.`,
        'subject_mismatch',
      );
    }
    const ctx = {
      actor: providerActor(provider),
      requestId: origin.requestId,
      sourceAddress: origin.sourceAddress,
      config: policy.keyConfig,
    };
    if (!user) {
      const role = mappedRole ?? provider.defaultRole;
      const [created] = await tx
        .insert(users)
        .values({
          email,
          name: identity.name.slice(0, 100) || email,
          role,
          passwordHash: NO_PASSWORD,
          identityProviderId: provider.id,
          externalSubject: identity.subject,
        })
        .returning();
      if (!created) throw new Error('user insert returned no row');
      user = created;
      await recordAudit(tx, ctx, {
        action: 'auth.user.jit_create',
        targetType: 'user',
        targetId: created.id,
        details: { email, role, provider: provider.name, groups: identity.groups, roleFrom: mappedRole ? 'groups' : 'default' },
      });
    } else {
      const role = Object.keys(provider.groupRoles).length > 0 ? (mappedRole ?? provider.defaultRole) : user.role;
      const [updated] = await tx
        .update(users)
        .set({ role, identityProviderId: provider.id, externalSubject: identity.subject })
        .where(eq(users.id, user.id))
        .returning();
      if (!updated) throw new Error('user update returned no row');
      if (updated.role !== user.role) {
        await recordAudit(tx, ctx, {
          action: 'users.user.role_from_groups',
          targetType: 'user',
          targetId: user.id,
          details: { email, from: user.role, to: updated.role, provider: provider.name, groups: identity.groups },
        });
      }
      user = updated;
    }
    const details = {
      provider: provider.name,
      subject: identity.subject,
      mfa: identity.mfa ? 'identity provider' : 'totp',
      ...identity.evidence,
    };
    if (identity.mfa) {
      const token = await openActiveSession(tx, user, origin, policy, now, method, details);
      return { stage: 'active' as const, token, userId: user.id };
    }
    const { token, mustEnrol } = await openPendingSession(tx, user, origin, now, method);
    await recordAudit(
      tx,
      { ...ctx, actor: actorForUser(user) },
      {
        action: 'auth.sso.first_factor',
        targetType: 'user',
        targetId: user.id,
        details: { ...details, next: user.totpEnabled ? 'totp' : 'totp enrolment' },
      },
    );
    return { stage: 'mfa' as const, token, userId: user.id, mustEnrol };
  });
}
