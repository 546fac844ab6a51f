import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { AppError } from '../core/errors.js';
import { canonicalJson, sha256Hex } from '../core/ids.js';
import type { Deps } from '../deps.js';

/**
 * `Idempotency-Key` on POST: the same key with the same body replays the first response and
 * does nothing again; the same key with another body is a 422; a key still being worked on is
 * a 409. Keys belong to the caller (user id, or client address when anonymous) and live 24 hours.
 * A 5xx frees the key so the request can be retried.
 */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { principal: string; key: string } | null;
  }
}

function principalOf(req: FastifyRequest): string {
  return req.principal ? `user:${req.principal.user.id}` : `ip:${req.ip}`;
}

export function registerIdempotency(app: FastifyInstance, deps: Deps): void {
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'POST') return;
    // an upload's body is streamed by the handler, so it cannot be hashed here; file imports are
    // idempotent by the file's content hash instead
    if ((req.headers['content-type'] ?? '').startsWith('multipart/')) return;
    const raw = req.headers[IDEMPOTENCY_HEADER];
    if (raw === undefined) return;
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!key || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
      throw new AppError('bad_request', 'idempotency.bad_key', {}, { field: 'Idempotency-Key' });
    }
    const principal = principalOf(req);
    const path = req.routeOptions.url ?? req.url;
    const hash = sha256Hex(`${req.method} ${req.url}\n${canonicalJson(req.body ?? null)}`);
    const now = deps.clock.now();
    // forget expired keys of this caller lazily; the maintenance job sweeps the rest
    await deps.db
      .deleteFrom('idempotency_keys')
      .where('principal', '=', principal)
      .where('key', '=', key)
      .where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_TTL_MS))
      .execute();
    const inserted = await deps.db
      .insertInto('idempotency_keys')
      .values({ principal, key, method: req.method, path, request_hash: hash, state: 'in_progress', created_at: now })
      .onConflict((oc) => oc.columns(['principal', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted) {
      req.idempotency = { principal, key };
      return;
    }
    const prior = await deps.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('principal', '=', principal)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    if (prior.request_hash !== hash) throw new AppError('unprocessable', 'idempotency.key_reused', {}, { field: 'Idempotency-Key' });
    if (prior.state !== 'done') throw new AppError('conflict', 'idempotency.in_progress', {}, { field: 'Idempotency-Key' });
    const body = prior.response_body as { contentType?: string; payload?: string } | null;
    reply.header('idempotent-replayed', 'true');
    if (body?.contentType) reply.header('content-type', body.contentType);
    // a replay bypasses the route's serializer: the stored payload is the serialized response
    return reply.code(prior.response_status ?? 200).serializer((p: unknown) => String(p)).send(body?.payload ?? '');
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const idem = req.idempotency;
    if (!idem) return payload;
    req.idempotency = null;
    if (reply.statusCode >= 500) {
      await deps.db.deleteFrom('idempotency_keys').where('principal', '=', idem.principal).where('key', '=', idem.key).execute();
      return payload;
    }
    const contentType = String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8');
    await deps.db
      .updateTable('idempotency_keys')
      .set({
        state: 'done',
        response_status: reply.statusCode,
        response_body: JSON.stringify({ contentType, payload: typeof payload === 'string' ? payload : payload == null ? '' : String(payload) }),
      })
      .where('principal', '=', idem.principal)
      .where('key', '=', idem.key)
      .execute();
    return payload;
  });
}

/** Sweep keys past their lifetime (maintenance job). */
export async function sweepIdempotencyKeys(deps: Pick<Deps, 'db' | 'clock'>): Promise<number> {
  const r = await sql`DELETE FROM idempotency_keys WHERE created_at < ${new Date(deps.clock.now().getTime() - IDEMPOTENCY_TTL_MS)}`.execute(deps.db);
  return Number(r.numAffectedRows ?? 0n);
}
