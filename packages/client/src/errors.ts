import type { components } from '@usher/api-types';

/** The error body of every `/v1` operation: OrderCloud's `{ Errors: [{ ErrorCode, Message, Data }] }`. */
export type ApiErrorList = components['schemas']['ErrorList'];

/** One entry of `Errors`. */
export type ApiError = components['schemas']['ApiError'];

/** The error body of `/oauth/*`: RFC 6749 `error`/`error_description`, plus OrderCloud's `Errors`. */
export type OAuthErrorBody = components['schemas']['OAuthError'];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const isApiError = (value: unknown): value is ApiError =>
  isObject(value) && typeof value['ErrorCode'] === 'string' && typeof value['Message'] === 'string';

/** True for a body of OrderCloud's error shape (what every `/v1` error answers). */
export function isApiErrorList(value: unknown): value is ApiErrorList {
  return isObject(value) && Array.isArray(value['Errors']) && value['Errors'].every(isApiError);
}

/** True for an OAuth error body (what `/oauth/*` errors answer). */
export function isOAuthError(value: unknown): value is OAuthErrorBody {
  return isObject(value) && typeof value['error'] === 'string' && isApiErrorList(value);
}
