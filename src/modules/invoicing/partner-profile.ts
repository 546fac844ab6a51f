import { z } from 'zod';
import { sql } from 'kysely';
import type { Executor } from '../../db/store.js';
import { runUseCase, type Actor, type UseCaseDeps } from '../../db/tx.js';

/**
 * The partner as its invoices name it: legal name, address, VAT id, contact, logo, bank details
 * for the payment instructions, the published collections policy, and the number prefixes.
 * One record in system_state, edited by an admin; each issued invoice keeps a copy of what it
 * printed (invoices.issuer_snapshot), so later edits never change a sent invoice.
 */
export const PartnerProfileSchema = z.object({
  name: z.string().trim().min(1).max(200),
  addressLines: z.array(z.string().trim().min(1).max(200)).max(6),
  country: z.string().trim().regex(/^[A-Z]{2}$/),
  taxId: z.string().trim().max(40).nullable(),
  email: z.string().trim().max(200).nullable(),
  phone: z.string().trim().max(60).nullable(),
  website: z.string().trim().max(200).nullable(),
  /** a PNG or JPEG, base64, at most ~256 KB */
  logoBase64: z.string().max(350_000).nullable(),
  bank: z.object({
    accountHolder: z.string().trim().max(200).nullable(),
    bankName: z.string().trim().max(200).nullable(),
    iban: z.string().trim().max(42).nullable(),
    bic: z.string().trim().max(11).nullable(),
  }),
  /** footer lines: commercial register, managing directors, … */
  legalLines: z.array(z.string().trim().min(1).max(200)).max(4).default([]),
  /** where the published collections policy is, printed on every invoice */
  policyUrl: z.string().trim().max(300).nullable(),
  invoicePrefix: z.string().trim().regex(/^[A-Z0-9]{1,8}$/),
  creditNotePrefix: z.string().trim().regex(/^[A-Z0-9]{1,8}$/),
});
export type PartnerProfile = z.infer<typeof PartnerProfileSchema>;
export type PartnerProfileInput = z.input<typeof PartnerProfileSchema>;

export const DEFAULT_PROFILE: PartnerProfile = {
  name: 'Partnerdesk',
  addressLines: [],
  country: 'DE',
  taxId: null,
  email: null,
  phone: null,
  website: null,
  logoBase64: null,
  bank: { accountHolder: null, bankName: null, iban: null, bic: null },
  legalLines: [],
  policyUrl: null,
  invoicePrefix: 'INV',
  creditNotePrefix: 'CN',
};

const KEY = 'partner_profile';

export async function getPartnerProfile(db: Executor): Promise<PartnerProfile> {
  const row = await db.selectFrom('system_state').select('value').where('key', '=', KEY).executeTakeFirst();
  return row ? { ...DEFAULT_PROFILE, ...(row.value as Partial<PartnerProfile>) } : DEFAULT_PROFILE;
}

export async function setPartnerProfile(deps: UseCaseDeps, actor: Actor, profile: PartnerProfileInput): Promise<PartnerProfile> {
  const next = PartnerProfileSchema.parse(profile);
  return runUseCase(deps, actor, async (ctx) => {
    const before = await getPartnerProfile(ctx.trx);
    await sql`INSERT INTO system_state (key, value, updated_at) VALUES (${KEY}, ${JSON.stringify(next)}, ${ctx.now})
      ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`.execute(ctx.trx);
    const strip = (p: PartnerProfile) => ({ ...p, logoBase64: p.logoBase64 ? `${p.logoBase64.length} base64 chars` : null });
    await ctx.audit({ action: 'partner_profile.update', entityType: 'partner_profile', entityId: KEY, before: strip(before), after: strip(next) });
    return next;
  });
}
