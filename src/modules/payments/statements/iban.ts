/**
 * IBAN (ISO 13616) and RF creditor reference (ISO 11649) checks. Both use ISO 7064 MOD 97-10:
 * letters become 10..35, the number must leave remainder 1. That catches every single-character
 * substitution that keeps the character class (digit for digit, letter for letter); a letter
 * swapped for a digit changes the number's length and slips through about 1 time in 97, which is
 * why the BBAN structure is also checked where the registry fixes it (n = digits, a = letters,
 * c = either).
 */

/** BBAN structure per country (SWIFT IBAN registry); the IBAN length is 4 + the BBAN length. */
const BBAN: Record<string, string> = {
  AD: '8n12c', AE: '19n', AL: '8n16c', AT: '16n', AZ: '4a20c', BA: '16n', BE: '12n', BG: '4a6n8c', BH: '4a14c', BI: '23n',
  BR: '23n1a1c', BY: '4c4n16c', CH: '5n12c', CR: '18n', CY: '8n16c', CZ: '20n', DE: '18n', DJ: '23n', DK: '14n', DO: '4c20n',
  EE: '16n', EG: '25n', ES: '20n', FI: '14n', FK: '2a12n', FO: '14n', FR: '10n11c2n', GB: '4a14n', GE: '2a16n', GI: '4a15c',
  GL: '14n', GR: '7n16c', GT: '4c20c', HN: '4a20n', HR: '17n', HU: '24n', IE: '4a14n', IL: '19n', IQ: '4a15n', IS: '22n',
  IT: '1a10n12c', JO: '4a4n18c', KW: '4a22c', KZ: '3n13c', LB: '4n20c', LC: '4a24c', LI: '5n12c', LT: '16n', LU: '3n13c',
  LV: '4a13c', LY: '21n', MC: '10n11c2n', MD: '20c', ME: '18n', MK: '3n10c2n', MN: '16n', MR: '23n', MT: '4a5n18c',
  MU: '4a19n3a', NI: '4a20n', NL: '4a10n', NO: '11n', OM: '3n16c', PK: '4a16c', PL: '24n', PS: '4a21c', PT: '21n', QA: '4a21c',
  RO: '4a16c', RS: '18n', RU: '14n15c', SA: '2n18c', SC: '4a20n3a', SD: '14n', SE: '20n', SI: '15n', SK: '20n', SM: '1a10n12c',
  SO: '19n', ST: '21n', SV: '4a20n', TL: '19n', TN: '20n', TR: '6n16c', UA: '6n19c', VA: '18n', VG: '4a16n', XK: '16n', YE: '4a4n18c',
};

const CLASS: Record<string, string> = { n: '[0-9]', a: '[A-Z]', c: '[A-Z0-9]' };
const structure = new Map<string, { length: number; pattern: RegExp }>();
for (const [country, spec] of Object.entries(BBAN)) {
  let length = 4;
  let source = '';
  for (const [, count, cls] of spec.matchAll(/(\d+)([nac])/g)) {
    length += Number(count);
    source += `${CLASS[cls!]}{${count}}`;
  }
  structure.set(country, { length, pattern: new RegExp(`^${source}$`) });
}

/** Strip white space (also no-break spaces) and upper-case: "de89 3704 …" → "DE893704…". */
export function normalizeIban(text: string): string {
  return text.replace(/[\s\u00a0\u202f]+/g, '').toUpperCase();
}

/** ISO 7064 MOD 97-10 remainder of an alphanumeric string (letters A=10 … Z=35), computed in small steps. */
export function mod97(text: string): number {
  let rest = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code >= 48 && code <= 57) rest = (rest * 10 + (code - 48)) % 97;
    else if (code >= 65 && code <= 90) rest = (rest * 100 + (code - 55)) % 97;
    else throw new RangeError(`not alphanumeric: ${JSON.stringify(ch)}`);
  }
  return rest;
}

export type IbanProblem = 'format' | 'country' | 'length' | 'structure' | 'checksum';

/** Why an IBAN is wrong, or null when it is valid (after normalizing). */
export function ibanProblem(text: string): IbanProblem | null {
  const iban = normalizeIban(text);
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}$/.test(iban)) return 'format';
  const known = structure.get(iban.slice(0, 2));
  if (!known) return 'country';
  if (iban.length !== known.length) return 'length';
  if (!known.pattern.test(iban.slice(4))) return 'structure';
  return mod97(iban.slice(4) + iban.slice(0, 4)) === 1 ? null : 'checksum';
}

export function isValidIban(text: string): boolean {
  return ibanProblem(text) === null;
}

/** The IBAN length for a country, or undefined when the country has no IBAN in the table. */
export function ibanLength(country: string): number | undefined {
  return structure.get(country)?.length;
}

/** The registry's BBAN structure for a country ("4a10n" for NL), or undefined. */
export function bbanFormat(country: string): string | undefined {
  return BBAN[country];
}

/** Build an IBAN from a country and a BBAN by computing its check digits (fixtures, tests). */
export function makeIban(country: string, bban: string): string {
  const body = normalizeIban(bban);
  const check = 98 - mod97(body + country.toUpperCase() + '00');
  return country.toUpperCase() + String(check).padStart(2, '0') + body;
}

/** "DE89370400440532013000" → "DE89 3704 0044 0532 0130 00" (for people; never stored like this). */
export function formatIban(iban: string): string {
  return normalizeIban(iban).replace(/(.{4})(?=.)/g, '$1 ');
}

/** ISO 11649 structured creditor reference: "RF" + 2 check digits + 1–21 alphanumerics, MOD 97-10 = 1. */
export function isValidCreditorReference(text: string): boolean {
  const ref = normalizeIban(text);
  if (!/^RF[0-9]{2}[A-Z0-9]{1,21}$/.test(ref)) return false;
  return mod97(ref.slice(4) + ref.slice(0, 4)) === 1;
}

/** Build an RF creditor reference from a customer's own reference (e.g. an invoice number without dashes). */
export function makeCreditorReference(reference: string): string {
  const body = normalizeIban(reference);
  if (!/^[A-Z0-9]{1,21}$/.test(body)) throw new RangeError(`not a creditor reference body: ${JSON.stringify(reference)}`);
  const check = 98 - mod97(body + 'RF00');
  return 'RF' + String(check).padStart(2, '0') + body;
}
