export type { ActionContext, Actor, ActorElevation } from './actor.ts';
export { assertPermission, assertPersonMayApprove, can, personKey, SYSTEM_ACTOR, systemContext } from './actor.ts';
export { ensureInitialAdmin, INITIAL_TOKEN_FILE } from './bootstrap.ts';
export { ACCESS_ENDED_CHANNEL, endAccess } from './end-access.ts';
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
export type { Permission, PersonRole, Role } from './roles.ts';
export { isPersonRole, lesserRole, PERMISSIONS, PERSON_ROLES, permissionsOf, ROLE_PERMISSIONS, ROLES } from './roles.ts';
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
export {
  authenticateToken,
  createOwnToken,
  createToken,
  generateToken,
  hashToken,
  listOwnTokens,
  listTokens,
  OwnTokenInput,
  PERSON_TOKEN_DEFAULT_DAYS,
  revokeOwnToken,
  revokeToken,
  TokenInput,
} from './tokens.ts';
export {
  applyUserChanges,
  getOwnProfile,
  getUser,
  ProfileInput,
  summarizeUser,
  UserUpdateInput,
  updateOwnProfile,
  updateUser,
  withUniquePeople,
} from './update-user.ts';
export type { Person, UserSummary } from './users.ts';
export { createUser, findPerson, findSlackUserIds, findUserBySlackId, listPeople, listUsers, UserInput } from './users.ts';
