import { notFound } from '../http/errors.js';
import type { Handler } from '../http/operation.js';
import { listOptions } from '../list/list-request.js';
import { fromBool, generateId } from '../shared/ids.js';
import { nowIso } from '../shared/time.js';
import { withIdConflict } from '../shared/write.js';
import { patchedXp, serializeXp } from '../shared/xp.js';
import { BUYER_LIST, toBuyer } from './buyers.mapper.js';
import * as buyers from './buyers.repository.js';

const OBJECT_TYPE = 'Buyer';
const location = (id: string) => ({ Location: `/v1/buyers/${encodeURIComponent(id)}` });

export const listBuyers: Handler<'listBuyers'> = async (request, { db, dialect }) => {
  const { rows, meta } = await buyers.listBuyers(db, dialect, listOptions(BUYER_LIST, request));
  return { status: 200, body: { Meta: meta, Items: rows.map(toBuyer) } };
};

export const getBuyer: Handler<'getBuyer'> = async ({ path }, { db }) => {
  const row = await buyers.findBuyer(db, path.buyerID);
  if (!row) throw notFound(OBJECT_TYPE, path.buyerID);
  return { status: 200, body: toBuyer(row) };
};

export const createBuyer: Handler<'createBuyer'> = async ({ body }, context) => {
  const row = {
    id: body.ID ?? generateId(),
    name: body.Name,
    active: fromBool(body.Active ?? true),
    xp: serializeXp(body.xp),
    date_created: nowIso(),
  };
  await withIdConflict(context, OBJECT_TYPE, row.id, () => buyers.insertBuyer(context.db, row));
  return { status: 201, body: toBuyer(row), headers: location(row.id) };
};

export const saveBuyer: Handler<'saveBuyer'> = async ({ path, body }, context) => {
  const id = body.ID ?? path.buyerID;
  const fields = { id, name: body.Name, active: fromBool(body.Active ?? true), xp: serializeXp(body.xp) };
  const row = await context.db.transaction().execute(async (trx) => {
    const existing = await buyers.findBuyer(trx, path.buyerID);
    const next = { ...fields, date_created: existing?.date_created ?? nowIso() };
    await withIdConflict(context, OBJECT_TYPE, id, async () => {
      if (existing) await buyers.replaceBuyer(trx, path.buyerID, next);
      else await buyers.insertBuyer(trx, next);
    });
    return next;
  });
  return { status: 200, body: toBuyer(row) };
};

export const patchBuyer: Handler<'patchBuyer'> = async ({ path, body }, context) => {
  const row = await context.db.transaction().execute(async (trx) => {
    const existing = await buyers.findBuyer(trx, path.buyerID);
    if (!existing) throw notFound(OBJECT_TYPE, path.buyerID);
    const next = {
      ...existing,
      id: body.ID ?? existing.id,
      name: body.Name ?? existing.name,
      active: body.Active === undefined ? existing.active : fromBool(body.Active),
      xp: patchedXp(existing.xp, body.xp),
    };
    await withIdConflict(context, OBJECT_TYPE, next.id, () => buyers.replaceBuyer(trx, path.buyerID, next));
    return next;
  });
  return { status: 200, body: toBuyer(row) };
};

export const deleteBuyer: Handler<'deleteBuyer'> = async ({ path }, { db }) => {
  if (!(await buyers.deleteBuyer(db, path.buyerID))) throw notFound(OBJECT_TYPE, path.buyerID);
  return { status: 204 };
};
