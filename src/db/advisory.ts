import type { Store } from './store.js';

/**
 * Run `fn` while holding a session-level advisory lock, so that several processes starting at
 * once against one server do start-up work (queue set-up, first-run seeding) one at a time.
 * The embedded store has a single owner process, so there it just runs `fn` (taking a pool
 * client would block `fn` itself on PGlite's one connection).
 */
export async function withAdvisoryLock<T>(store: Store, key: string, fn: () => Promise<T>): Promise<T> {
  if (store.kind === 'embedded') return fn();
  const c = await store.pool.connect();
  try {
    await c.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
    try {
      return await fn();
    } finally {
      await c.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
    }
  } finally {
    c.release();
  }
}
