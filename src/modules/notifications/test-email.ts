import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Locale } from '../../core/i18n.js';
import type { Deps } from '../../deps.js';
import { runUseCase, type Actor } from '../../db/tx.js';
import { dispatchDue } from '../../jobs/dispatcher.js';
import { enqueueEmail } from './enqueue-email.js';
import { emailDateTime } from './render.js';
import type { EmailSendResult } from './send-email.js';

export const TEST_TEMPLATE = 'test';

export interface TestEmailResult extends EmailSendResult {
  idempotencyKey: string;
  to: string[];
  locale: Locale;
}

/**
 * The operator's check (`partnerdesk mail test`): queue a test email through the outbox like any
 * other and perform just that effect now. It is tried once: a failure is reported at once with
 * the server's answer, and nothing is left to retry. Needs `email.send` registered.
 */
export async function sendTestEmail(deps: Deps, actor: Actor, input: { to: string[]; locale: Locale }, opts: { waitMs?: number } = {}): Promise<TestEmailResult> {
  if (!deps.config.smtpUrl) throw new AppError('bad_request', 'mail.not_configured');
  const queued = await runUseCase(deps, actor, async (ctx) => {
    const q = await enqueueEmail(ctx, {
      to: input.to,
      locale: input.locale,
      template: TEST_TEMPLATE,
      params: { url: deps.config.publicUrl, sentAt: emailDateTime(ctx.now) },
      key: newId('mailtest'),
      maxAttempts: 1,
    });
    await ctx.audit({ action: 'email.test_queued', entityType: 'email', entityId: q.idempotencyKey, after: { to: q.to, locale: q.locale } });
    return q;
  });
  await dispatchDue(deps, { key: queued.idempotencyKey });
  // another dispatcher (a running worker) may have taken it first: wait for its outcome
  const until = Date.now() + (opts.waitMs ?? 30_000);
  for (;;) {
    const row = await deps.db.selectFrom('outbox').select(['status', 'result', 'last_error']).where('idempotency_key', '=', queued.idempotencyKey).executeTakeFirstOrThrow();
    if (row.status === 'done') return { ...queued, ...(row.result as EmailSendResult) };
    if (row.status === 'dead' || Date.now() > until) {
      throw new AppError('unavailable', 'mail.test_failed', { reason: row.last_error ?? row.status });
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
