import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDeps, type TestDeps } from '../../test/helpers/store.js';
import { cliActor, runUseCase } from '../db/tx.js';
import { dispatchDue, EffectRegistry, retryDelayMs } from './dispatcher.js';
import { registerCoreEffects, WEBHOOK_DELIVER } from './effects.js';
import { outboxStats } from './outbox.js';

/** A real HTTP receiver that, like a well-behaved webhook consumer, drops repeated Idempotency-Keys. */
function receiver() {
  const deliveries: { key: string; attempt: string; body: unknown }[] = [];
  const seen = new Set<string>();
  let failNext = 0;
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end();
        return;
      }
      const key = String(req.headers['idempotency-key']);
      deliveries.push({ key, attempt: String(req.headers['x-partnerdesk-attempt']), body: JSON.parse(data) });
      seen.add(key);
      res.writeHead(200).end('{}');
    });
  });
  return {
    deliveries,
    logical: () => seen.size,
    reset: () => {
      deliveries.length = 0;
      seen.clear();
    },
    failNext: (n: number) => (failNext = n),
    async listen() {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('outbox', () => {
  let deps: TestDeps;
  let rx: ReturnType<typeof receiver>;
  let url: string;
  beforeAll(async () => {
    deps = await createTestDeps();
    registerCoreEffects(deps.effects);
    rx = receiver();
    url = await rx.listen();
  });
  afterAll(async () => {
    await rx.close();
    await deps.dispose();
  });
  afterEach(async () => {
    await deps.db.deleteFrom('outbox').execute();
    rx.reset();
  });

  it('a use case that rolls back leaves no outbox row and no audit row', async () => {
    const before = await deps.db.selectFrom('audit_log').select(deps.db.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow();
    await expect(
      runUseCase(deps, cliActor('test'), async (ctx) => {
        await ctx.audit({ action: 'thing.do', entityType: 'thing', entityId: 't1' });
        await ctx.enqueue({ effect: WEBHOOK_DELIVER, payload: { url, body: { n: 1 } }, idempotencyKey: 'rollback-1' });
        throw new Error('business rule broken');
      }),
    ).rejects.toThrow('business rule broken');
    expect(await outboxStats(deps.db)).toEqual({ pending: 0, processing: 0, done: 0, dead: 0 });
    const after = await deps.db.selectFrom('audit_log').select(deps.db.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('a committed use case queues its effect once, and the dispatcher performs it after commit', async () => {
    let notified = 0;
    await runUseCase({ ...deps, notifyOutbox: () => notified++ }, cliActor('test'), async (ctx) => {
      await ctx.enqueue({ effect: WEBHOOK_DELIVER, payload: { url, body: { n: 2 } }, idempotencyKey: 'commit-1' });
      // queuing the same logical effect twice is one effect
      await ctx.enqueue({ effect: WEBHOOK_DELIVER, payload: { url, body: { n: 2 } }, idempotencyKey: 'commit-1' });
      expect(rx.deliveries).toHaveLength(0); // nothing happens inside the transaction
    });
    expect(notified).toBe(1);
    expect(await outboxStats(deps.db)).toMatchObject({ pending: 1 });
    expect(await dispatchDue(deps)).toEqual({ done: 1, failed: 0, dead: 0 });
    expect(rx.deliveries).toEqual([{ key: 'commit-1', attempt: '1', body: { n: 2 } }]);
    expect(await dispatchDue(deps)).toEqual({ done: 0, failed: 0, dead: 0 });
  });

  it('a dispatcher that crashes mid-effect retries it after the lease, and the receiver sees one logical effect', async () => {
    await runUseCase(deps, cliActor('test'), (ctx) => ctx.enqueue({ effect: WEBHOOK_DELIVER, payload: { url, body: { n: 3 } }, idempotencyKey: 'crash-1' }));
    // Dispatcher A performs the effect, then "dies" before it can record success: its handler
    // never returns (a killed process records nothing either).
    let delivered!: () => void;
    const deliveredP = new Promise<void>((r) => (delivered = r));
    let revive!: () => void;
    const frozen = new Promise<void>((r) => (revive = r));
    const dying = new EffectRegistry();
    dying.register(WEBHOOK_DELIVER, async (payload, ctx) => {
      const r = await deps.effects.get(WEBHOOK_DELIVER)!(payload, ctx);
      delivered();
      await frozen;
      return r;
    });
    const zombie = dispatchDue({ ...deps, effects: dying }, { workerId: 'A', leaseMs: 60_000 });
    await deliveredP;
    expect(rx.deliveries).toHaveLength(1);
    expect(await outboxStats(deps.db)).toMatchObject({ processing: 1 });

    // before the lease runs out, nobody else touches it
    expect(await dispatchDue(deps, { workerId: 'B' })).toEqual({ done: 0, failed: 0, dead: 0 });
    deps.clock.advance({ minutes: 2 });
    expect(await dispatchDue(deps, { workerId: 'B' })).toEqual({ done: 1, failed: 0, dead: 0 });
    expect(rx.deliveries.map((d) => [d.key, d.attempt])).toEqual([
      ['crash-1', '1'],
      ['crash-1', '2'],
    ]);
    expect(rx.logical()).toBe(1); // two deliveries, one logical effect
    expect(await outboxStats(deps.db)).toMatchObject({ done: 1, processing: 0 });
    // if the stale dispatcher ever wakes up, its lease is gone: it cannot overwrite B's result
    revive();
    expect(await zombie).toEqual({ done: 0, failed: 0, dead: 0 });
    const row = await deps.db.selectFrom('outbox').selectAll().where('idempotency_key', '=', 'crash-1').executeTakeFirstOrThrow();
    expect(row.locked_by).toBe('B');
    expect(row.attempts).toBe(2);
  });

  it('retries a failing effect with backoff and gives up after max attempts', async () => {
    await runUseCase(deps, cliActor('test'), (ctx) =>
      ctx.enqueue({ effect: WEBHOOK_DELIVER, payload: { url, body: { n: 4 } }, idempotencyKey: 'flaky-1', maxAttempts: 3 }),
    );
    rx.failNext(10);
    expect(await dispatchDue(deps)).toEqual({ done: 0, failed: 1, dead: 0 });
    expect(await dispatchDue(deps)).toEqual({ done: 0, failed: 0, dead: 0 }); // not due yet
    deps.clock.advance({ ms: retryDelayMs(1) });
    expect(await dispatchDue(deps)).toEqual({ done: 0, failed: 1, dead: 0 });
    deps.clock.advance({ ms: retryDelayMs(2) });
    expect(await dispatchDue(deps)).toEqual({ done: 0, failed: 0, dead: 1 });
    const row = await deps.db.selectFrom('outbox').selectAll().where('idempotency_key', '=', 'flaky-1').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'dead', attempts: 3 });
    expect(row.last_error).toContain('503');
    rx.failNext(0);
  });

  it('two dispatchers at once perform each effect once (SKIP LOCKED)', async () => {
    await runUseCase(deps, cliActor('test'), async (ctx) => {
      for (let i = 0; i < 12; i++) await ctx.enqueue({ effect: WEBHOOK_DELIVER, payload: { url, body: { i } }, idempotencyKey: `many-${i}` });
    });
    const [a, b] = await Promise.all([dispatchDue(deps, { workerId: 'A', limit: 3 }), dispatchDue(deps, { workerId: 'B', limit: 3 })]);
    expect(a.done + b.done).toBe(12);
    expect(rx.deliveries).toHaveLength(12);
    expect(rx.logical()).toBe(12);
  });

  it('backs off exponentially up to an hour', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(30)).toBe(3_600_000);
  });
});
