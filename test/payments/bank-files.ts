/**
 * Bank statement files built in tests, so they can carry the invoice numbers a test just issued.
 * EUR amounts as decimal text; balances are worked out so the file adds up (unless told otherwise).
 */
export const ACCOUNT_IBAN = 'DE31370501981930124578';
export const PAYER_IBAN = 'DE09430609671187654300';
export const OTHER_PAYER_IBAN = 'DE02120300000000202051';

export interface CamtEntry {
  amount: string;
  credit?: boolean;
  /** AcctSvcrRef: the key that makes a camt.053 and a camt.054 entry one */
  ref: string;
  e2e?: string;
  text?: string;
  payerName?: string;
  payerIban?: string;
  reversal?: boolean;
  returnReason?: string;
  family?: string;
  subFamily?: string;
  currency?: string;
  status?: 'BOOK' | 'PDNG';
  date?: string;
}

const cents = (s: string) => BigInt(s.replace('.', ''));
const eur = (c: bigint) => `${c < 0n ? '-' : ''}${(c < 0n ? -c : c) / 100n}.${String((c < 0n ? -c : c) % 100n).padStart(2, '0')}`;

function entryXml(e: CamtEntry, date: string): string {
  const credit = e.credit ?? true;
  const ccy = e.currency ?? 'EUR';
  const d = e.date ?? date;
  const party = e.payerName || e.payerIban ? `<RltdPties>${e.payerName ? `<Dbtr><Pty><Nm>${e.payerName}</Nm></Pty></Dbtr>` : ''}${e.payerIban ? `<DbtrAcct><Id><IBAN>${e.payerIban}</IBAN></Id></DbtrAcct>` : ''}</RltdPties>` : '';
  return `<Ntry>
  <Amt Ccy="${ccy}">${e.amount}</Amt>
  <CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd>${e.reversal ? '<RvslInd>true</RvslInd>' : ''}
  <Sts><Cd>${e.status ?? 'BOOK'}</Cd></Sts>
  <BookgDt><Dt>${d}</Dt></BookgDt>
  <ValDt><Dt>${d}</Dt></ValDt>
  <AcctSvcrRef>${e.ref}</AcctSvcrRef>
  <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>${e.family ?? 'RCDT'}</Cd><SubFmlyCd>${e.subFamily ?? 'ESCT'}</SubFmlyCd></Fmly></Domn></BkTxCd>
  <NtryDtls><TxDtls>
    <Refs>${e.e2e ? `<EndToEndId>${e.e2e}</EndToEndId>` : ''}</Refs>
    <Amt Ccy="${ccy}">${e.amount}</Amt>
    <CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd>
    ${party}
    ${e.text ? `<RmtInf><Ustrd>${e.text}</Ustrd></RmtInf>` : ''}
    ${e.returnReason ? `<RtrInf><Rsn><Cd>${e.returnReason}</Cd></Rsn></RtrInf>` : ''}
  </TxDtls></NtryDtls>
</Ntry>`;
}

/** A camt.053.001.08 statement of one account; `closingDelta` makes the balances not add up. */
export function camt053(o: { id: string; entries: CamtEntry[]; iban?: string; opening?: string; date?: string; closingDelta?: string }): string {
  const date = o.date ?? '2026-11-02';
  const opening = cents(o.opening ?? '1000.00');
  let sum = 0n;
  for (const e of o.entries) if ((e.status ?? 'BOOK') === 'BOOK' && (e.currency ?? 'EUR') === 'EUR') sum += (e.credit ?? true) ? cents(e.amount) : -cents(e.amount);
  const closing = opening + sum + (o.closingDelta ? cents(o.closingDelta) : 0n);
  const bal = (code: string, v: bigint) => `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${eur(v < 0n ? -v : v)}</Amt><CdtDbtInd>${v < 0n ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt>
<GrpHdr><MsgId>MSG-${o.id}</MsgId><CreDtTm>${date}T20:00:00+01:00</CreDtTm></GrpHdr>
<Stmt>
<Id>${o.id}</Id>
<CreDtTm>${date}T20:00:00+01:00</CreDtTm>
<Acct><Id><IBAN>${o.iban ?? ACCOUNT_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>
${bal('OPBD', opening)}
${bal('CLBD', closing)}
${o.entries.map((e) => entryXml(e, date)).join('\n')}
</Stmt>
</BkToCstmrStmt>
</Document>
`;
}

/** A camt.054.001.08 notification (no balances). */
export function camt054(o: { id: string; entries: CamtEntry[]; date?: string }): string {
  const date = o.date ?? '2026-11-02';
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
<BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>MSG-${o.id}</MsgId><CreDtTm>${date}T10:00:00+01:00</CreDtTm></GrpHdr>
<Ntfctn>
<Id>${o.id}</Id>
<CreDtTm>${date}T10:00:00+01:00</CreDtTm>
<Acct><Id><IBAN>${ACCOUNT_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>
${o.entries.map((e) => entryXml(e, date)).join('\n')}
</Ntfctn>
</BkToCstmrDbtCdtNtfctn>
</Document>
`;
}

/** An MT940 statement (one :61:/:86: pair per entry, structured German :86: with ?20 remittance and ?32 payer name). */
export function mt940(o: { ref: string; entries: { amount: string; credit?: boolean; text: string; payerName?: string; bankRef: string; date?: string }[]; opening?: string; date?: string }): string {
  const date = o.date ?? '2026-11-02';
  const yymmdd = (d: string) => d.slice(2).replace(/-/g, '');
  const mmdd = (d: string) => d.slice(5).replace('-', '');
  const opening = cents(o.opening ?? '500.00');
  let sum = 0n;
  const lines = [`:20:${o.ref}`, `:25:${ACCOUNT_IBAN}`, `:28C:00001/001`, `:60F:C${yymmdd(date)}EUR${eur(opening).replace('.', ',')}`];
  for (const e of o.entries) {
    const d = e.date ?? date;
    sum += (e.credit ?? true) ? cents(e.amount) : -cents(e.amount);
    lines.push(`:61:${yymmdd(d)}${mmdd(d)}${(e.credit ?? true) ? 'C' : 'D'}${e.amount.replace('.', ',')}NTRFNONREF//${e.bankRef}`);
    lines.push(`:86:166?00GUTSCHRIFT?20${e.text}${e.payerName ? `?32${e.payerName}` : ''}`);
  }
  const closing = opening + sum;
  lines.push(`:62F:${closing < 0n ? 'D' : 'C'}${yymmdd(date)}EUR${eur(closing < 0n ? -closing : closing).replace('.', ',')}`);
  return lines.join('\r\n') + '\r\n-\r\n';
}
