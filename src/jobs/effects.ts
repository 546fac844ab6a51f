import type { EffectRegistry } from './dispatcher.js';

/**
 * Built-in effect: deliver a JSON webhook. The receiver gets the outbox idempotency key in
 * `Idempotency-Key` and drops repeats (the dispatcher is at-least-once).
 */
export const WEBHOOK_DELIVER = 'webhook.deliver';

export function registerCoreEffects(effects: EffectRegistry): void {
  effects.register(WEBHOOK_DELIVER, async (payload, ctx) => {
    const url = String(payload.url ?? '');
    if (!/^https?:\/\//.test(url)) throw new Error(`webhook url is not http(s): ${url}`);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': ctx.idempotencyKey, 'x-partnerdesk-attempt': String(ctx.attempt) },
      body: JSON.stringify(payload.body ?? {}),
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new Error(`webhook answered ${res.status}`);
    return { status: res.status };
  });
}
