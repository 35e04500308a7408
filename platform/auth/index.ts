export { ROLES, PERMISSIONS, ROLE_PERMISSIONS, permissionsOf } from './roles.ts';
export type { Role, Permission } from './roles.ts';
export { SYSTEM_ACTOR, systemContext, can, assertPermission, personKey } from './actor.ts';
export type { Actor, ActionContext } from './actor.ts';
export { TokenInput, createToken, listTokens, revokeToken, authenticateToken, generateToken, hashToken } from './tokens.ts';
export type { TokenSummary } from './tokens.ts';
export { UserInput, createUser, listUsers, findUserBySlackId, findSlackUserIds } from './users.ts';
export type { UserSummary } from './users.ts';
export { hashPassword, verifyPassword } from './passwords.ts';
export { ensureInitialAdmin, INITIAL_TOKEN_FILE } from './bootstrap.ts';
export { LoginError, PasswordLoginInput, TotpCodeInput, loginWithPassword, loginWithTotp, startTotpEnrolment, confirmTotpEnrolment, pruneLoginFailures } from './login.ts';
export type { LoginOrigin, PasswordStepResult, TotpEnrolment } from './login.ts';
export {
  loginPolicyFrom,
  sessionCookieName,
  sessionTokenFromCookies,
  csrfTokenFor,
  verifyCsrfToken,
  resolveActiveSession,
  createSessionResolver,
  endSession,
  logoutEverywhere,
  listOwnSessions,
  pruneSessions,
  MFA_STEP_TTL_MS,
} from './sessions.ts';
export type { LoginPolicy, SessionSummary } from './sessions.ts';
export { UserUpdateInput, updateUser } from './update-user.ts';
export { createSecretBox, secretBoxFrom, parseSecretKey, SecretBoxError, SECRET_KEY_FILE } from './secret-box.ts';
export type { SecretBox } from './secret-box.ts';
export { resealTotpSeeds, secretsAtStartup } from './reseal-totp-seeds.ts';
