import * as apiClients from '../api-clients/api-clients.handlers.js';
import type { AppContext } from '../app-context.js';
import * as buyers from '../buyers/buyers.handlers.js';
import * as health from '../health/health.handlers.js';
import * as me from '../me/me.handlers.js';
import * as authorization from '../oauth/authorization.handlers.js';
import * as metadata from '../oauth/metadata.handlers.js';
import * as revocation from '../oauth/revocation.handlers.js';
import * as token from '../oauth/token.handlers.js';
import * as metrics from '../observability/metrics.handlers.js';
import * as securityProfiles from '../security-profiles/security-profiles.handlers.js';
import * as userGroups from '../user-groups/user-groups.handlers.js';
import * as userTokens from '../user-tokens/user-tokens.handlers.js';
import * as users from '../users/users.handlers.js';
import type { Handlers } from './operation.js';

/**
 * Every operationId of openapi.yaml mapped to its handler. Typed as `Handlers`, so a missing or extra operation
 * fails typecheck; listed one by one (no spreads), so a handler exported by mistake cannot slip in either.
 */
export const handlers: Handlers = {
  getHealth: health.getHealth,
  getMetrics: metrics.getMetrics,
  createToken: token.createToken,
  listBuyers: buyers.listBuyers,
  createBuyer: buyers.createBuyer,
  getBuyer: buyers.getBuyer,
  saveBuyer: buyers.saveBuyer,
  patchBuyer: buyers.patchBuyer,
  deleteBuyer: buyers.deleteBuyer,
  listApiClients: apiClients.listApiClients,
  createApiClient: apiClients.createApiClient,
  getApiClient: apiClients.getApiClient,
  saveApiClient: apiClients.saveApiClient,
  patchApiClient: apiClients.patchApiClient,
  deleteApiClient: apiClients.deleteApiClient,
  // ---- users, user groups, security profiles ----
  listUsers: users.listUsers,
  createUser: users.createUser,
  getUser: users.getUser,
  saveUser: users.saveUser,
  patchUser: users.patchUser,
  deleteUser: users.deleteUser,
  moveUser: users.moveUser,
  listUserGroups: userGroups.listUserGroups,
  createUserGroup: userGroups.createUserGroup,
  getUserGroup: userGroups.getUserGroup,
  saveUserGroup: userGroups.saveUserGroup,
  patchUserGroup: userGroups.patchUserGroup,
  deleteUserGroup: userGroups.deleteUserGroup,
  listUserGroupAssignments: userGroups.listUserGroupAssignments,
  saveUserGroupAssignment: userGroups.saveUserGroupAssignment,
  deleteUserGroupAssignment: userGroups.deleteUserGroupAssignment,
  listSecurityProfiles: securityProfiles.listSecurityProfiles,
  createSecurityProfile: securityProfiles.createSecurityProfile,
  getSecurityProfile: securityProfiles.getSecurityProfile,
  saveSecurityProfile: securityProfiles.saveSecurityProfile,
  patchSecurityProfile: securityProfiles.patchSecurityProfile,
  deleteSecurityProfile: securityProfiles.deleteSecurityProfile,
  listSecurityProfileAssignments: securityProfiles.listSecurityProfileAssignments,
  saveSecurityProfileAssignment: securityProfiles.saveSecurityProfileAssignment,
  deleteSecurityProfileAssignment: securityProfiles.deleteSecurityProfileAssignment,

  // ---- authorization server ----
  getOpenIdConfiguration: metadata.getOpenIdConfiguration,
  getOAuthAuthorizationServerMetadata: metadata.getOAuthAuthorizationServerMetadata,
  getJwks: metadata.getJwks,
  authorize: authorization.authorize,
  submitAuthorization: authorization.submitAuthorization,
  revokeToken: revocation.revokeToken,
  introspectToken: revocation.introspectToken,
  getMe: me.getMe,
  createUserAccessToken: userTokens.createUserAccessToken,
  revokeUserTokens: userTokens.revokeUserTokens,
  unlockUser: userTokens.unlockUser,
};

/** Untyped view for the binder, which dispatches by the operationId read from the spec at run time. */
export type AnyHandler = (
  request: never,
  context: AppContext,
) => Promise<{ status: number; body?: unknown; html?: string; headers?: Readonly<Record<string, string>> }>;
