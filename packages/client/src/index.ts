export type { AuthOptions, AuthSession, ClientCredentialsAuth, PasswordAuth, TokenAuth } from './auth.js';
export { authMiddleware, createAuthSession } from './auth.js';
export { createClient, type UsherClient, type UsherClientOptions } from './client.js';
export type { ApiError, ApiErrorList, OAuthErrorBody } from './errors.js';
export { isApiErrorList, isOAuthError } from './errors.js';
export type {
  FilterScalar,
  Filters,
  FilterValue,
  ListArgs,
  ListInit,
  ListItem,
  ListOptions,
  ListPage,
  ListPath,
  ListResult,
  SortKey,
} from './list.js';
export { ListPageError, listQuery, serializeQuery } from './list.js';
export type {
  ClientAuthentication,
  FetchLike,
  PostTokenResponse,
  Scope,
  TokenGrant,
  TokenRequestOptions,
  TokenResult,
} from './token.js';
export { readTokenResponse, requestToken, tokenRequest } from './token.js';
