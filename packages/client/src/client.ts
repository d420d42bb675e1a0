import type { paths } from '@usher/api-types';
import createFetchClient, { type Client, type ClientOptions as FetchClientOptions } from 'openapi-fetch';
import { type AuthOptions, type AuthSession, authMiddleware, createAuthSession } from './auth.js';
import {
  type ListArgs,
  type ListInit,
  type ListPage,
  ListPageError,
  type ListPath,
  type ListResult,
  listQuery,
  serializeQuery,
} from './list.js';
import { type ClientAuthentication, defaultFetch, type FetchLike } from './token.js';

export interface UsherClientOptions
  extends Omit<FetchClientOptions, 'baseUrl' | 'fetch' | 'querySerializer' | 'Request'> {
  /** The server's root URL, e.g. `http://localhost:8080` (paths start with `/v1` or `/oauth`). */
  baseUrl: string;
  /** How to sign in; without it, calls go out without a token (or with the Authorization header you set). */
  auth?: AuthOptions;
  /** Defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** Client secrets go in the form body by default (`client_secret_post`). */
  clientAuthentication?: ClientAuthentication;
  /** Obtain a new token this many seconds before the current one expires. Default 30. */
  refreshSkewSeconds?: number;
  /** Milliseconds since the epoch, for tests. Default `Date.now`. */
  now?: () => number;
}

/** openapi-fetch's client over every path of the spec, plus the session and the list helpers. */
export interface UsherClient extends Client<paths> {
  /** The tokens this client uses; undefined without `auth`. */
  readonly auth: AuthSession | undefined;
  /** One page of a list, with filters, search, sort and paging in OrderCloud's query language. */
  list<P extends ListPath>(path: P, ...args: ListArgs<P>): Promise<ListResult<P>>;
  /** Every page of a list, from `page` (default 1) to `Meta.TotalPages`; throws `ListPageError` if a page fails. */
  listAll<P extends ListPath>(path: P, ...args: ListArgs<P>): AsyncGenerator<ListPage<P>, void, undefined>;
}

/** A typed client for the Usher API. */
export function createClient(options: UsherClientOptions): UsherClient {
  const { auth, fetch = defaultFetch, clientAuthentication, refreshSkewSeconds, now, ...fetchOptions } = options;
  const client = createFetchClient<paths>({
    ...fetchOptions,
    fetch,
    // OrderCloud's list syntax: keys such as `xp.Color` unencoded, filters as repeated keys.
    querySerializer: serializeQuery,
  });
  const session =
    auth === undefined
      ? undefined
      : createAuthSession(auth, {
          baseUrl: options.baseUrl,
          fetch,
          ...(clientAuthentication ? { clientAuthentication } : {}),
          ...(refreshSkewSeconds !== undefined ? { refreshSkewSeconds } : {}),
          ...(now ? { now } : {}),
        });
  if (session) client.use(authMiddleware(session));

  async function list<P extends ListPath>(path: P, ...[init]: ListArgs<P>): Promise<ListResult<P>> {
    const { path: pathParams, ...listOptions } = (init ?? {}) as ListInit<P>;
    // The list helper owns the query string, whatever list parameters the spec declares for this path.
    const request = { params: { path: pathParams }, querySerializer: () => listQuery(listOptions) };
    return (await client.GET(path as never, request as never)) as ListResult<P>;
  }

  async function* listAll<P extends ListPath>(
    path: P,
    ...[init]: ListArgs<P>
  ): AsyncGenerator<ListPage<P>, void, undefined> {
    let page = init?.page ?? 1;
    for (;;) {
      const result = await list(path, ...([{ ...init, page }] as ListArgs<P>));
      if (result.error !== undefined) throw new ListPageError(path, page, result.error, result.response);
      const body = result.data as ListPage<P>;
      const { Meta, Items } = body as unknown as { Meta: { TotalPages: number }; Items: unknown[] };
      yield body;
      if (page >= Meta.TotalPages || Items.length === 0) return;
      page += 1;
    }
  }

  return Object.assign(client, { auth: session, list, listAll });
}
