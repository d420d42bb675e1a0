import type { components } from '@usher/api-types';

type ApiErrorBody = components['schemas']['ErrorList'];
type OAuthErrorBody = components['schemas']['OAuthError'];
export type OAuthErrorCode = OAuthErrorBody['error'];

/** An OrderCloud-shaped error: `{"Errors":[{ErrorCode, Message, Data}]}`. Thrown by handlers, rendered once. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly data: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: string,
    message: string,
    data: unknown = null,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.data = data;
    this.headers = headers;
  }

  toBody(): ApiErrorBody {
    return { Errors: [{ ErrorCode: this.code, Message: this.message, Data: this.data }] };
  }
}

export const notFound = (objectType: string, objectId: string): ApiError =>
  new ApiError(404, 'NotFound', 'Object not found.', { ObjectType: objectType, ObjectID: objectId });

export const idExists = (objectType: string, objectId: string): ApiError =>
  new ApiError(409, 'IdExists', 'Object already exists.', { ObjectType: objectType, ObjectID: objectId });

export const validationFailure = (property: string, rule: string, message: string): ApiError =>
  new ApiError(400, 'ValidationFailure', message, { Property: property, Rule: rule });

export const invalidToken = (): ApiError =>
  new ApiError(401, 'InvalidToken', 'Access token is invalid or expired.', null, {
    'WWW-Authenticate': 'Bearer realm="usher", error="invalid_token"',
  });

export const missingToken = (): ApiError =>
  new ApiError(401, 'InvalidToken', 'Access token is missing. Send Authorization: Bearer <access_token>.', null, {
    'WWW-Authenticate': 'Bearer realm="usher"',
  });

/** RFC 6750 §3.1: a valid token without the needed scope also says so in WWW-Authenticate. */
export const insufficientRoles = (sufficientRoles: readonly string[], assignedRoles: readonly string[]): ApiError =>
  new ApiError(
    403,
    'InsufficientRoles',
    'User does not have role(s) required to perform this action.',
    { SufficientRoles: sufficientRoles, AssignedRoles: assignedRoles },
    { 'WWW-Authenticate': `Bearer realm="usher", error="insufficient_scope", scope="${sufficientRoles.join(' ')}"` },
  );

/** OrderCloud's answer to a buyer user on marketplace administration, whatever roles the token holds. */
export const userNotAuthorizedToAdmin = (): ApiError =>
  new ApiError(
    403,
    'Auth.UserNotAuthorizedToAdmin',
    'Reading and/or Administering certain resources is forbidden for certain user types regardless of role(s)',
  );

/**
 * An RFC 6749 §5.2 error from the `/oauth` endpoints. Its body carries three shapes at once: the RFC fields that
 * OAuth libraries read, the seed's `meta`/`errors`, and OrderCloud's `Errors` that the ordercloud SDK reads.
 */
export class OAuthError extends Error {
  readonly status: number;
  readonly error: OAuthErrorCode;
  /** An OrderCloud error code (e.g. `Auth.InvalidUsernameOrPassword`) when one is more precise than `error`. */
  readonly orderCloudCode: string | undefined;
  readonly data: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    error: OAuthErrorCode,
    description: string,
    options: { status?: number; orderCloudCode?: string; data?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(description);
    this.error = error;
    this.status = options.status ?? (error === 'invalid_client' ? 401 : error === 'server_error' ? 500 : 400);
    this.orderCloudCode = options.orderCloudCode;
    this.data = options.data ?? null;
    this.headers = options.headers ?? {};
  }

  toBody(): OAuthErrorBody {
    return {
      error: this.error,
      error_description: this.message,
      meta: { pagination: { limit: 0, offset: 0, total_count: 1 } },
      errors: [{ httpcode: this.status, message: `${this.error}: ${this.message}` }],
      Errors: [{ ErrorCode: this.orderCloudCode ?? this.error, Message: this.message, Data: this.data }],
    };
  }
}
