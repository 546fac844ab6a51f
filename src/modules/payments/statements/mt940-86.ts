import { normalizeIban } from './iban.js';
import { squash } from './shared.js';

/**
 * The MT940 :86: "information to account owner" field, in the three shapes banks use:
 * - German DK form: a 3-digit business code (GVC), then `?NN` subfields — ?00 booking text,
 *   ?20–?29 and ?60–?63 remittance (SEPA keys EREF+, SVWZ+, ABWA+ … inside), ?31 payer IBAN,
 *   ?32/?33 payer name;
 * - slash codes (ING, Rabobank, ABN AMRO): `/EREF/…/CNTP/iban/bic/name/city/REMI/…/`;
 * - free text.
 * The lines of the field are only wrapping (65 characters), so they are joined without a break.
 */
export interface Details {
  remittance: string;
  endToEndId: string | null;
  payerName: string | null;
  payerIban: string | null;
  returnReason: string | null;
  /** ?00 of the DK form, e.g. "SEPA-GUTSCHRIFT" */
  bookingText: string | null;
}

const SEPA_KEYS = /(EREF|KREF|MREF|CRED|DEBT|COAM|OAMT|SVWZ|ABWA|ABWE|IBAN|BIC)\+/g;
const SLASH_CODES =
  /\/(EREF|KREF|MARF|CSID|CNTP|REMI|PURP|ORDP|BENM|ULTC|ULTD|ULTB|NAME|ADDR|ISDT|RTRN|IBAN|BIC|TRCD|BUSP|PREF|SVWZ|CDTRREFTP|CDTRREF)\//g;
const LOOKS_LIKE_IBAN = /^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$/;

export function parseDetails(lines: string[]): Details {
  const first = lines[0] ?? '';
  if (/^\d{3}\?\d{2}/.test(first)) return dkForm(lines.join(''));
  const joined = lines.reduce((acc, line, i) => (i === 0 ? line : acc + (lines[i - 1]!.length >= 65 ? '' : ' ') + line), '');
  if (/^\s*\/[A-Z]{2,9}\//.test(joined) && matches(joined, SLASH_CODES).length > 0) return slashForm(lines.join(''));
  const text = squash(joined);
  return { remittance: text, endToEndId: null, payerName: null, payerIban: null, returnReason: null, bookingText: null };
}

function matches(text: string, re: RegExp): RegExpExecArray[] {
  return [...text.matchAll(new RegExp(re.source, 'g'))];
}

/** Text following each key up to the next key; text before the first key under "". */
function segments(text: string, re: RegExp): Map<string, string> {
  const out = new Map<string, string>();
  const found = matches(text, re);
  out.set('', text.slice(0, found[0]?.index ?? text.length));
  found.forEach((m, i) => {
    const value = text.slice(m.index + m[0].length, found[i + 1]?.index ?? text.length);
    if (!out.has(m[1]!)) out.set(m[1]!, value);
  });
  return out;
}

const reference = (v: string | undefined) => {
  const t = squash(v ?? '');
  return t && !/^(NOTPROVIDED|NONREF)$/i.test(t) ? t : null;
};

const ibanOrNull = (v: string | undefined | null) => {
  const t = normalizeIban(v ?? '');
  return LOOKS_LIKE_IBAN.test(t) ? t : null;
};

function dkForm(text: string): Details {
  const fields = new Map<string, string>();
  for (const m of text.slice(3).matchAll(/\?(\d{2})([^?]*)/g)) fields.set(m[1]!, (fields.get(m[1]!) ?? '') + m[2]!);
  const pick = (...codes: string[]) => codes.map((c) => fields.get(c) ?? '').join('');
  const purpose = pick('20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '60', '61', '62', '63');
  const sepa = segments(purpose, SEPA_KEYS);
  const hasKeys = sepa.size > 1;
  const remittance = hasKeys ? [sepa.get('') ?? '', sepa.get('SVWZ') ?? ''].map(squash).filter(Boolean).join(' ') : squash(purpose);
  return {
    remittance,
    endToEndId: reference(sepa.get('EREF')),
    payerName: squash(pick('32', '33')) || squash(sepa.get('ABWA') ?? '') || null,
    payerIban: ibanOrNull(fields.get('31')) ?? ibanOrNull(sepa.get('IBAN')),
    returnReason: null,
    bookingText: squash(pick('00')) || null,
  };
}

function slashForm(text: string): Details {
  const seg = segments(text, SLASH_CODES);
  const value = (code: string) => {
    const v = seg.get(code);
    return v === undefined ? undefined : v.replace(/\/+$/, '');
  };
  const cntp = (value('CNTP') ?? '').split('/');
  const remi = (value('REMI') ?? '').replace(/^(USTD|STRD)\/(?:(?:CUR|ISO)\/)?\/?/, '');
  return {
    remittance: squash(remi),
    endToEndId: reference(value('EREF')),
    payerName: squash(cntp[2] ?? '') || squash(value('NAME') ?? '') || null,
    payerIban: ibanOrNull(cntp[0]) ?? ibanOrNull(value('IBAN')),
    returnReason: reference(value('RTRN')),
    bookingText: null,
  };
}
