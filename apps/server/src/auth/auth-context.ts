/** The verified caller of a `/v1` operation, from its access token. */
export interface AuthContext {
  /** The token's `jti`. */
  tokenId: string;
  clientId: string;
  /** Roles granted to the token (its `role` claim). */
  roles: readonly string[];
  /** Null for client_credentials tokens; the signed-in buyer user otherwise. */
  user: { uid: string; buyerId: string; userId: string; username: string } | null;
  issuedAt: number;
  expiresAt: number;
  /** The grant (sign-in) of a user token; absent for client_credentials tokens. */
  grantId?: string;
  /** Who impersonates the user (the token's `imp`), or null. */
  impersonator?: string | null;
}

export const FULL_ACCESS = 'FullAccess';

/** True when the roles satisfy any one of the accepted roles (FullAccess satisfies every ApiRole). */
export function hasAnyRole(granted: readonly string[], accepted: readonly string[]): boolean {
  return granted.includes(FULL_ACCESS) || accepted.some((role) => granted.includes(role));
}
