import type { Executor } from '../../db/store.js';
import type { Actor } from '../../db/tx.js';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditRow {
  id: string;
  at: Date;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)));

export async function insertAudit(db: Executor, at: Date, actor: Actor, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at,
      actor_type: actor.type,
      actor_id: actor.id,
      actor_label: actor.label,
      action: e.action,
      entity_type: e.entityType,
      entity_id: e.entityId ?? null,
      before: json(e.before),
      after: json(e.after),
      request_id: actor.requestId ?? null,
    })
    .execute();
}

export interface AuditQuery {
  entityType?: string | undefined;
  entityId?: string | undefined;
  action?: string | undefined;
  actorId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Keyset paging: rows with id below this one. */
  before?: bigint | undefined;
  limit: number;
}

export async function listAudit(db: Executor, q: AuditQuery): Promise<AuditRow[]> {
  let sel = db.selectFrom('audit_log').selectAll();
  if (q.entityType) sel = sel.where('entity_type', '=', q.entityType);
  if (q.entityId) sel = sel.where('entity_id', '=', q.entityId);
  if (q.action) sel = sel.where('action', '=', q.action);
  if (q.actorId) sel = sel.where('actor_id', '=', q.actorId);
  if (q.from) sel = sel.where('at', '>=', q.from);
  if (q.to) sel = sel.where('at', '<', q.to);
  if (q.before !== undefined) sel = sel.where('id', '<', q.before);
  const rows = await sel.orderBy('id', 'desc').limit(q.limit).execute();
  return rows.map((r) => ({
    id: r.id.toString(),
    at: r.at,
    actorType: r.actor_type,
    actorId: r.actor_id,
    actorLabel: r.actor_label,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    before: r.before,
    after: r.after,
    requestId: r.request_id,
  }));
}
