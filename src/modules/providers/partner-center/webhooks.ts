/**
 * Webhook signatures as the simulator sends them.
 *
 * Microsoft signs Partner Center webhook callbacks with a JWT in `Authorization: Signature <jwt>`
 * (validated against Microsoft's signing certificate). The simulator cannot hold Microsoft's key,
 * so it stands in with `Authorization: Signature <hex HMAC-SHA256 of the raw body>`, keyed with a
 * per-registration secret that it returns as `Secret` in the registration response. The desk
 * verifies that with `verifyWebhookSignature` (plus, as for real callbacks, its own per-account
 * key in the registered URL).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signWebhookBody(secret: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/** `Authorization: Signature <hex>` header value for a body. */
export function webhookAuthorizationHeader(secret: string, rawBody: string | Buffer): string {
  return `Signature ${signWebhookBody(secret, rawBody)}`;
}

/** True when `authorization` is `Signature <hex>` and the hex is the body's HMAC under `secret`. */
export function verifyWebhookSignature(rawBody: string | Buffer, authorization: string | null | undefined, secret: string): boolean {
  const m = /^\s*Signature\s+([0-9a-fA-F]{64})\s*$/.exec(authorization ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!.toLowerCase(), 'hex');
  const expected = Buffer.from(signWebhookBody(secret, rawBody), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
