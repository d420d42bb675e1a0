import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../shared/logger.js';
import { ApiError, OAuthError } from './errors.js';
import { requestLogger } from './hardening.js';

interface ValidatorError {
  status: number;
  message: string;
  errors?: Array<{ path?: string; message?: string; errorCode?: string }>;
  headers?: Record<string, string>;
}

const isValidatorError = (error: unknown): error is ValidatorError =>
  typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number';

/** body-parser and express-openapi-validator failures as OrderCloud errors; anything unknown is a 500. */
function toApiError(error: unknown, logger: Logger): ApiError {
  if (error instanceof ApiError) return error;
  if (!isValidatorError(error) || error.status >= 500) {
    logger.error('unhandled error', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    return new ApiError(500, 'ServerError', 'An unexpected error occurred. It has been logged.');
  }
  const type = (error as { type?: string }).type;
  if (type === 'entity.parse.failed') {
    return new ApiError(400, 'Request.InvalidRequestBody', 'Request body is not valid JSON.');
  }
  if (error.status === 413) return new ApiError(413, 'Request.TooLarge', 'Request body is too large.');
  if (error.status === 415) {
    return new ApiError(415, 'Request.InvalidContentType', `Unsupported content type: ${error.message}`);
  }
  const first = error.errors?.[0];
  if (error.status === 400 && first) {
    // '/body/Name' → 'Name', '/query/pageSize' → 'pageSize'
    const property = (first.path ?? '').replace(/^\/?(body|query|path|headers)\/?/, '').replaceAll('/', '.') || 'body';
    return new ApiError(400, 'ValidationFailure', `${property}: ${first.message ?? error.message}`, {
      Property: property,
      Rule: first.errorCode?.replace(/\.openapi\.validation$/, '') ?? 'invalid',
    });
  }
  return new ApiError(error.status, error.status === 404 ? 'NotFound' : 'InvalidRequest', error.message);
}

/** On `/oauth/*` every failure is an OAuth error (RFC 6749 §5.2), so OAuth libraries can read it. */
function toOAuthError(error: unknown, logger: Logger): OAuthError {
  if (error instanceof OAuthError) return error;
  const api = toApiError(error, logger);
  if (api.status >= 500) return new OAuthError('server_error', 'An unexpected error occurred.', { status: 500 });
  // RFC 6749 answers a malformed request with 400 invalid_request, whatever the transport problem was.
  const status = api.status === 413 || api.status === 405 ? api.status : 400;
  return new OAuthError('invalid_request', api.message, {
    status,
    orderCloudCode: api.code,
    headers: { ...api.headers },
  });
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    if (req.path.startsWith('/oauth/')) {
      const oauth = toOAuthError(error, requestLogger(logger, res));
      res.set({ ...oauth.headers, 'Cache-Control': 'no-store', Pragma: 'no-cache' });
      res.status(oauth.status).json(oauth.toBody());
      return;
    }
    const api = toApiError(error, requestLogger(logger, res));
    res.set(api.headers);
    res.status(api.status).json(api.toBody());
  };
}
