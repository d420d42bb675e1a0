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
}

export const FULL_ACCESS = 'FullAccess';

/** True when the roles satisfy any one of the accepted roles (FullAccess satisfies every ApiRole). */
export function hasAnyRole(granted: readonly string[], accepted: readonly string[]): boolean {
  return granted.includes(FULL_ACCESS) || accepted.some((role) => granted.includes(role));
}
