export type { ActionContext, Actor, ActorElevation } from './actor.ts';
export { assertPermission, assertPersonMayApprove, can, personKey, SYSTEM_ACTOR, systemContext } from './actor.ts';
export { ensureInitialAdmin, INITIAL_TOKEN_FILE } from './bootstrap.ts';
export { eraseSubjectFromUsers } from './erase-user.ts';
export type { LoginOrigin, PasswordStepResult, TotpEnrolment } from './login.ts';
export {
  confirmTotpEnrolment,
  LoginError,
  loginWithPassword,
  loginWithTotp,
  PasswordLoginInput,
  startTotpEnrolment,
  TotpCodeInput,
} from './login.ts';
export { changePassword, PasswordChangeInput, PasswordResetInput, resetPassword } from './password-change.ts';
export { hashPassword, verifyPassword } from './passwords.ts';
export { resealTotpSeeds, secretsAtStartup } from './reseal-totp-seeds.ts';
export type { Permission, Role } from './roles.ts';
export { PERMISSIONS, permissionsOf, ROLE_PERMISSIONS, ROLES } from './roles.ts';
export type { SecretBox } from './secret-box.ts';
export { createSecretBox, parseSecretKey, SECRET_KEY_FILE, SecretBoxError, secretBoxFrom, secretKeysFrom } from './secret-box.ts';
export { sessionRetention } from './session-retention.ts';
export type { LoginPolicy, SessionSummary } from './sessions.ts';
export {
  createSessionResolver,
  csrfTokenFor,
  endSession,
  hashSessionToken,
  listOwnSessions,
  loginPolicyFrom,
  logoutEverywhere,
  MFA_STEP_TTL_MS,
  resolveActiveSession,
  sessionCookieName,
  sessionTokenFromCookies,
  verifyCsrfToken,
} from './sessions.ts';
export * from './sso/index.ts';
export type { TokenSummary } from './tokens.ts';
export { authenticateToken, createToken, generateToken, hashToken, listTokens, revokeToken, TokenInput } from './tokens.ts';
export { UserUpdateInput, updateUser } from './update-user.ts';
export type { Person, UserSummary } from './users.ts';
export { createUser, findPerson, findSlackUserIds, findUserBySlackId, listPeople, listUsers, UserInput } from './users.ts';
