import { randomUUID } from 'node:crypto';
import type { Schema } from '@usher/api-types';
import type { AppContext } from '../app-context.js';
import { type AuthContext, FULL_ACCESS } from '../auth/auth-context.js';
import { hashClientSecret } from '../auth/client-secrets.js';
import { insufficientRoles, notFound } from '../http/errors.js';
import type { Handler } from '../http/operation.js';
import { listOptions } from '../list/list-request.js';
import { keepPreviousSecret } from '../oauth/client-auth.js';
import { fromBool } from '../shared/ids.js';
import { nowIso } from '../shared/time.js';
import { withIdConflict } from '../shared/write.js';
import { patchedXp, serializeXp } from '../shared/xp.js';
import { API_CLIENT_LIST, toApiClient } from './api-clients.mapper.js';
import type { ApiClientRow } from './api-clients.repository.js';
import * as apiClients from './api-clients.repository.js';

const OBJECT_TYPE = 'ApiClient';

type ApiClientWrite = Schema<'ApiClient'> | Schema<'ApiClientPatch'>;

/** A caller may hand a client only roles it holds itself: ApiClientAdmin must not mint FullAccess clients. */
function assertMayGrant(auth: AuthContext | null, roles: readonly string[] | undefined): void {
  const held = auth?.roles ?? [];
  if (!roles || held.includes(FULL_ACCESS)) return;
  const missing = roles.filter((role) => !held.includes(role));
  if (missing.length > 0) throw insufficientRoles([FULL_ACCESS, ...missing], held);
}

/** The stored secret after a write: absent keeps it, null removes it, a string replaces it. */
function nextSecretHash(context: AppContext, write: ApiClientWrite, current: string | null): string | null {
  if (write.ClientSecret === undefined) return current;
  return write.ClientSecret === null ? null : hashClientSecret(context.secretPepper, write.ClientSecret);
}

function fullRow(
  context: AppContext,
  id: string,
  body: Schema<'ApiClient'>,
  existing: ApiClientRow | undefined,
): ApiClientRow {
  return {
    id,
    app_name: body.AppName,
    active: fromBool(body.Active ?? true),
    secret_hash: nextSecretHash(context, body, existing?.secret_hash ?? null),
    access_token_duration: body.AccessTokenDuration ?? 60,
    refresh_token_duration: body.RefreshTokenDuration ?? 0,
    allow_any_buyer: fromBool(body.AllowAnyBuyer ?? false),
    redirect_uris: JSON.stringify(body.RedirectUris ?? []),
    roles: JSON.stringify(body.Roles ?? []),
    xp: serializeXp(body.xp),
    date_created: existing?.date_created ?? nowIso(),
  };
}

export const listApiClients: Handler<'listApiClients'> = async (request, { db, dialect }) => {
  const { rows, meta } = await apiClients.listApiClients(db, dialect, listOptions(API_CLIENT_LIST, request));
  return { status: 200, body: { Meta: meta, Items: rows.map(toApiClient) } };
};

export const getApiClient: Handler<'getApiClient'> = async ({ path }, { db }) => {
  const row = await apiClients.findApiClient(db, path.apiClientID);
  if (!row) throw notFound(OBJECT_TYPE, path.apiClientID);
  return { status: 200, body: toApiClient(row) };
};

export const createApiClient: Handler<'createApiClient'> = async ({ body, auth }, context) => {
  assertMayGrant(auth, body.Roles);
  const row = fullRow(context, body.ID ?? randomUUID(), body, undefined);
  await withIdConflict(context, OBJECT_TYPE, row.id, () => apiClients.insertApiClient(context.db, row));
  return { status: 201, body: toApiClient(row), headers: { Location: `/v1/apiclients/${encodeURIComponent(row.id)}` } };
};

export const saveApiClient: Handler<'saveApiClient'> = async ({ path, body, auth }, context) => {
  assertMayGrant(auth, body.Roles);
  const id = body.ID ?? path.apiClientID;
  const row = await context.db.transaction().execute(async (trx) => {
    const existing = await apiClients.findApiClient(trx, path.apiClientID);
    const next = fullRow(context, id, body, existing);
    await withIdConflict(context, OBJECT_TYPE, id, async () => {
      if (existing) await apiClients.replaceApiClient(trx, path.apiClientID, next);
      else await apiClients.insertApiClient(trx, next);
    });
    await keepPreviousSecret(context, trx, next.id, existing?.secret_hash ?? null, next.secret_hash);
    return next;
  });
  return { status: 200, body: toApiClient(row) };
};

export const patchApiClient: Handler<'patchApiClient'> = async ({ path, body, auth }, context) => {
  assertMayGrant(auth, body.Roles);
  const row = await context.db.transaction().execute(async (trx) => {
    const existing = await apiClients.findApiClient(trx, path.apiClientID);
    if (!existing) throw notFound(OBJECT_TYPE, path.apiClientID);
    const next: ApiClientRow = {
      ...existing,
      id: body.ID ?? existing.id,
      app_name: body.AppName ?? existing.app_name,
      active: body.Active === undefined ? existing.active : fromBool(body.Active),
      secret_hash: nextSecretHash(context, body, existing.secret_hash),
      access_token_duration: body.AccessTokenDuration ?? existing.access_token_duration,
      refresh_token_duration: body.RefreshTokenDuration ?? existing.refresh_token_duration,
      allow_any_buyer: body.AllowAnyBuyer === undefined ? existing.allow_any_buyer : fromBool(body.AllowAnyBuyer),
      redirect_uris: body.RedirectUris === undefined ? existing.redirect_uris : JSON.stringify(body.RedirectUris),
      roles: body.Roles === undefined ? existing.roles : JSON.stringify(body.Roles),
      xp: patchedXp(existing.xp, body.xp),
    };
    await withIdConflict(context, OBJECT_TYPE, next.id, () => apiClients.replaceApiClient(trx, path.apiClientID, next));
    await keepPreviousSecret(context, trx, next.id, existing.secret_hash, next.secret_hash);
    return next;
  });
  return { status: 200, body: toApiClient(row) };
};

export const deleteApiClient: Handler<'deleteApiClient'> = async ({ path }, { db }) => {
  if (!(await apiClients.deleteApiClient(db, path.apiClientID))) throw notFound(OBJECT_TYPE, path.apiClientID);
  return { status: 204 };
};
