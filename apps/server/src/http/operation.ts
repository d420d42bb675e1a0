import type { OperationId, operations } from '@usher/api-types';
import type { AppContext } from '../app-context.js';
import type { AuthContext } from '../auth/auth-context.js';

type Op<K extends OperationId> = operations[K];

type BodyOf<T> = T extends { content: { 'application/json': infer B } }
  ? B
  : T extends { content: { 'application/x-www-form-urlencoded': infer B } }
    ? B
    : undefined;

type Defined<T> = [Exclude<T, undefined>] extends [never] ? Record<string, never> : Exclude<T, undefined>;

/** What a handler receives: the validated, coerced request, never Express's `req`. */
export interface ApiRequest<K extends OperationId> {
  path: Defined<Op<K>['parameters']['path']>;
  query: Defined<Op<K>['parameters']['query']>;
  body: BodyOf<Op<K>['requestBody']>;
  /** Who is calling: set for every operation whose spec names roles. */
  auth: AuthContext | null;
  /** The query string as sent, in order, repeated keys kept (list filters read it). */
  queryEntries: ReadonlyArray<readonly [string, string]>;
  headers: Readonly<Record<string, string | undefined>>;
  /** The client address (Express `req.ip`, honouring `trust proxy`). */
  ip: string;
}

type ResponsesOf<K extends OperationId> = Op<K>['responses'];

/** True for a response the spec declares as an HTML page. */
type IsHtml<T> = T extends { content: { 'text/html': unknown } } ? true : false;

/** True for a response the spec declares as plain text (Prometheus metrics). */
type IsText<T> = T extends { content: { 'text/plain': unknown } } ? true : false;

/**
 * Statuses a handler may return; 4xx answers are thrown as ApiError/OAuthError so they share one error shape, except
 * HTML pages (a sign-in form shown again with its error), which a person reads instead of a program.
 */
type ReturnableStatus<K extends OperationId> = {
  [S in keyof ResponsesOf<K>]: S extends number
    ? `${S}` extends `4${string}`
      ? IsHtml<ResponsesOf<K>[S]> extends true
        ? S
        : never
      : S
    : never;
}[keyof ResponsesOf<K>];

type Headers = Readonly<Record<string, string>>;

/** One of the responses the spec declares for the operation, narrowed by status. */
export type Result<K extends OperationId> = {
  [S in ReturnableStatus<K>]: IsHtml<ResponsesOf<K>[S]> extends true
    ? { status: S; html: string; headers?: Headers; body?: never }
    : IsText<ResponsesOf<K>[S]> extends true
      ? { status: S; text: string; headers?: Headers; body?: never }
      : [BodyOf<ResponsesOf<K>[S]>] extends [undefined]
        ? { status: S; headers?: Headers; body?: never }
        : { status: S; body: BodyOf<ResponsesOf<K>[S]>; headers?: Headers };
}[ReturnableStatus<K>];

export type Handler<K extends OperationId> = (request: ApiRequest<K>, context: AppContext) => Promise<Result<K>>;

/** The exhaustive map: a spec operation without a handler, or a handler without an operation, fails typecheck. */
export type Handlers = { [K in OperationId]: Handler<K> };
