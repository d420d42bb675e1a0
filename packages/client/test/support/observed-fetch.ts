import type { FetchLike } from '../../src/index.js';

export interface SeenRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
}

export interface ObservedFetch {
  fetch: FetchLike;
  /** Every request the client sent, in order, with its body read. */
  seen: SeenRequest[];
}

/**
 * A real `fetch` function handed to the client, answering from `respond`: nothing global is patched, and the
 * test only observes what the client sent (openapi-fetch's `createObservedClient` idea).
 */
export function observedFetch(respond: (request: SeenRequest) => Response | Promise<Response>): ObservedFetch {
  const seen: SeenRequest[] = [];
  return {
    seen,
    fetch: async (request) => {
      const entry = {
        method: request.method,
        url: new URL(request.url),
        headers: request.headers,
        body: await request.text(),
      };
      seen.push(entry);
      return respond(entry);
    },
  };
}

export const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** A token endpoint success body as the server sends it. */
export const wireToken = (accessToken: string, extra: Record<string, unknown> = {}) => ({
  access_token: accessToken,
  expires_in: 3600,
  token_type: 'bearer',
  ...extra,
});

/** A token endpoint error body as the server sends it. */
export const wireOAuthError = (error: string, description: string, httpcode: number) => ({
  error,
  error_description: description,
  meta: { pagination: { limit: 0, offset: 0, total_count: 1 } },
  errors: [{ httpcode, message: `${error}: ${description}` }],
  Errors: [{ ErrorCode: error, Message: description, Data: null }],
});

export const form = (request: SeenRequest): Record<string, string> =>
  Object.fromEntries(new URLSearchParams(request.body));

export const page = <T>(items: T[], pageNumber: number, totalPages: number, pageSize = items.length) => ({
  Meta: {
    Page: pageNumber,
    PageSize: pageSize,
    TotalCount: totalPages * pageSize,
    TotalPages: totalPages,
    ItemRange: [1, items.length],
  },
  Items: items,
});
