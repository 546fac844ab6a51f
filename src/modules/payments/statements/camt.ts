import { normalizeIban } from './iban.js';
import { accountId, checkCurrency, datePart, squash, toMinor, withKeys, type KeylessEntry, type LocatedStatement } from './shared.js';
import { StatementError, type ParsedEntry, type ParsedStatement, type StatementFormat } from './types.js';
import { all, attr, childNames, one, parseXml, readXmlRoot, text, texts } from './xml.js';

/**
 * ISO 20022 camt.053 (BkToCstmrStmt) and camt.054 (BkToCstmrDbtCdtNtfctn), versions .001.02 to
 * .001.08, into ParsedStatement. The element paths read here are the same in all those versions
 * except where noted (Sts became a choice in .06, Dbtr/Nm moved to Dbtr/Pty/Nm in .08, BIC became
 * BICFI in .05). Pure: XML text in, statements out; checks across entries live in parse.ts.
 */

const MESSAGES: Record<string, { format: StatementFormat; items: string }> = {
  BkToCstmrStmt: { format: 'camt.053', items: 'Stmt' },
  BkToCstmrDbtCdtNtfctn: { format: 'camt.054', items: 'Ntfctn' },
};
const NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:(camt\.05[34])\.001\.(\d{2})$/;
const STATUS: Record<string, ParsedEntry['status']> = { BOOK: 'booked', PDNG: 'pending', FUTR: 'pending', INFO: 'info' };

export function parseCamt(xml: string): ParsedStatement[] {
  return readCamt(xml).map((s) => s.statement);
}

/** Parse and keep where each statement, balance and entry came from (for validation messages). */
export function readCamt(xml: string): LocatedStatement[] {
  const root = readXmlRoot(xml);
  const doc = parseXml(xml);
  let body: unknown = doc;
  let name = root.name;
  if (root.name === 'Document') {
    body = doc['Document'];
    name = childNames(body).find((n) => n in MESSAGES) ?? childNames(body)[0] ?? 'Document';
  }
  const message = MESSAGES[name];
  if (!message) throw new StatementError('bank.unsupported_format', { root: name }, `line ${root.line}`);
  let version: string | null = null;
  if (root.namespace) {
    const m = NAMESPACE.exec(root.namespace);
    if (!m || m[1] !== message.format) throw new StatementError('bank.unsupported_format', { root: name, namespace: root.namespace }, `line ${root.line}`);
    version = `${m[1]}.001.${m[2]}`;
    const v = Number(m[2]);
    if (v < 2 || v > 8) throw new StatementError('bank.unsupported_version', { version }, `line ${root.line}`);
  }
  const items = all(one(body, name), message.items);
  if (items.length === 0) throw new StatementError('bank.empty', {}, `${name}/${message.items}`);
  return items.map((item, i) => readStatement(item, `${message.items}[${i}]`, message.format, version));
}

function readStatement(stmt: unknown, at: string, format: StatementFormat, version: string | null): LocatedStatement {
  const id = text(stmt, 'Id');
  if (!id) throw new StatementError('bank.missing_field', { field: 'Id' }, at);
  const seq = text(stmt, 'ElctrncSeqNb');
  const acct = one(stmt, 'Acct');
  const iban = text(acct, 'Id', 'IBAN');
  const acctCcy = text(acct, 'Ccy');
  const balances = readBalances(stmt, at);
  const currency = acctCcy ? checkCurrency(acctCcy, `${at}/Acct/Ccy`) : ([...balances.keys()][0] ?? null);
  const account = {
    iban: iban ? normalizeIban(iban) : null,
    other: iban ? null : text(acct, 'Id', 'Othr', 'Id'),
    currency,
    servicer: text(acct, 'Svcr', 'FinInstnId', 'BICFI') ?? text(acct, 'Svcr', 'FinInstnId', 'BIC'),
  };
  const fromDtTm = text(stmt, 'FrToDt', 'FrDtTm');
  const toDtTm = text(stmt, 'FrToDt', 'ToDtTm');
  const keyless: KeylessEntry[] = [];
  const entryAt: string[] = [];
  all(stmt, 'Ntry').forEach((ntry, n) => {
    for (const { entry, at: where } of readEntry(ntry, `${at}/Ntry[${n}]`)) {
      keyless.push({ ...entry, position: keyless.length + 1 });
      entryAt.push(where);
    }
  });
  const own = currency ? balances.get(currency) : undefined;
  const statement: ParsedStatement = {
    format,
    version,
    statementId: seq ? `${id}#${seq}` : id,
    account,
    fromDate: fromDtTm ? datePart(fromDtTm, `${at}/FrToDt/FrDtTm`) : null,
    toDate: toDtTm ? datePart(toDtTm, `${at}/FrToDt/ToDtTm`) : null,
    openingBalance: own?.opening ?? null,
    closingBalance: own?.closing ?? null,
    entries: withKeys(accountId(account), keyless),
  };
  return { statement, at: { statement: at, iban: `${at}/Acct/Id/IBAN`, balance: `${at}/Bal`, entries: entryAt }, balances };
}

/** Booked opening (OPBD, else PRCD) and closing (CLBD) balances per currency, signed by CdtDbtInd. */
function readBalances(stmt: unknown, at: string): Map<string, { opening: bigint | null; closing: bigint | null }> {
  const out = new Map<string, { opening: bigint | null; closing: bigint | null; prcd: boolean }>();
  all(stmt, 'Bal').forEach((bal, b) => {
    const code = text(bal, 'Tp', 'CdOrPrtry', 'Cd');
    if (code !== 'OPBD' && code !== 'PRCD' && code !== 'CLBD') return;
    const where = `${at}/Bal[${b}]`;
    const amt = one(bal, 'Amt');
    const ccy = checkCurrency(attr(amt, 'Ccy'), `${where}/Amt/@Ccy`);
    const value = toMinor(text(amt), ccy, `${where}/Amt`, true) * sign(text(bal, 'CdtDbtInd'), `${where}/CdtDbtInd`);
    const slot = out.get(ccy) ?? { opening: null, closing: null, prcd: false };
    if (code === 'CLBD') slot.closing ??= value;
    else if (code === 'OPBD' && (slot.opening === null || slot.prcd)) Object.assign(slot, { opening: value, prcd: false });
    else if (code === 'PRCD' && slot.opening === null) Object.assign(slot, { opening: value, prcd: true });
    out.set(ccy, slot);
  });
  return new Map([...out].map(([c, { opening, closing }]) => [c, { opening, closing }]));
}

function sign(indicator: string | null, at: string): 1n | -1n {
  if (indicator === 'CRDT') return 1n;
  if (indicator === 'DBIT') return -1n;
  throw new StatementError('bank.bad_field', { field: 'CdtDbtInd', value: indicator ?? '' }, at);
}

/** What one TxDtls says about the money and the other party. */
interface Tx {
  at: string;
  amount: { text: string | null; ccy: string | null; at: string } | null;
  direction: string | null;
  ref: string | null;
  endToEndId: string | null;
  remittance: string;
  debtor: { name: string | null; iban: string | null };
  creditor: { name: string | null; iban: string | null };
  returnReason: string | null;
}

function readEntry(ntry: unknown, at: string): { entry: Omit<KeylessEntry, 'position'>; at: string }[] {
  const amt = one(ntry, 'Amt');
  if (amt === undefined) throw new StatementError('bank.missing_field', { field: 'Amt' }, at);
  const currency = checkCurrency(attr(amt, 'Ccy'), `${at}/Amt/@Ccy`);
  const amount = toMinor(text(amt), currency, `${at}/Amt`);
  const direction = sign(text(ntry, 'CdtDbtInd'), `${at}/CdtDbtInd`) === 1n ? 'credit' : 'debit';
  const reversal = ['true', '1'].includes(text(ntry, 'RvslInd') ?? '');
  const stsCode = text(ntry, 'Sts') ?? text(ntry, 'Sts', 'Cd') ?? text(ntry, 'Sts', 'Prtry');
  const status = STATUS[stsCode ?? ''];
  if (!stsCode) throw new StatementError('bank.missing_field', { field: 'Sts' }, `${at}/Sts`);
  if (!status) throw new StatementError('bank.bad_field', { field: 'Sts', value: stsCode }, `${at}/Sts`);
  const date = (el: string) => {
    const t = text(ntry, el, 'Dt') ?? text(ntry, el, 'DtTm');
    return t ? datePart(t, `${at}/${el}`) : null;
  };
  const bankReference = text(ntry, 'AcctSvcrRef');
  const domain = one(ntry, 'BkTxCd', 'Domn');
  const transactionCode = text(domain, 'Cd')
    ? [text(domain, 'Cd'), text(domain, 'Fmly', 'Cd'), text(domain, 'Fmly', 'SubFmlyCd')].filter(Boolean).join('/')
    : text(ntry, 'BkTxCd', 'Prtry', 'Cd');
  const txs: Tx[] = [];
  all(ntry, 'NtryDtls').forEach((d, i) => all(d, 'TxDtls').forEach((tx, j) => txs.push(readTx(tx, `${at}/NtryDtls[${i}]/TxDtls[${j}]`))));
  const base = {
    bookingDate: date('BookgDt'),
    valueDate: date('ValDt'),
    currency,
    direction,
    reversal,
    status,
    transactionCode,
  } as const;
  // The payer is the debtor of a credit; a reversal undoes the opposite booking, so it names that booking's parties.
  const party = (tx: Tx | undefined) => (tx ? ((direction === 'credit') !== reversal ? tx.debtor : tx.creditor) : { name: null, iban: null });

  if (txs.length > 1 && splits(txs, currency, direction, amount)) {
    // Each part keeps the bank's reference: its own when the bank gives distinct ones, else the entry's with the part number.
    const own = new Set(txs.map((t) => t.ref));
    const distinct = own.size === txs.length && !own.has(null) && !own.has(bankReference);
    return txs.map((tx, i) => ({
      at: tx.at,
      entry: {
        ...base,
        amount: toMinor(tx.amount!.text, currency, tx.amount!.at),
        bankReference: tx.ref ?? bankReference,
        refKey: distinct ? tx.ref : bankReference ? `${bankReference}/${i + 1}` : null,
        endToEndId: tx.endToEndId,
        remittance: tx.remittance,
        payer: party(tx),
        returnReason: tx.returnReason,
      },
    }));
  }
  const remittance = squash(txs.map((t) => t.remittance).join(' ')) || squash(text(ntry, 'AddtlNtryInf') ?? '');
  return [
    {
      at,
      entry: {
        ...base,
        amount,
        bankReference: bankReference ?? (txs.length === 1 ? txs[0]!.ref : null),
        refKey: bankReference ?? (txs.length === 1 ? txs[0]!.ref : null),
        endToEndId: txs.find((t) => t.endToEndId)?.endToEndId ?? null,
        remittance,
        payer: party(txs.find((t) => party(t).name || party(t).iban)),
        returnReason: txs.find((t) => t.returnReason)?.returnReason ?? null,
      },
    },
  ];
}

/** A batch booking is split only when every TxDtls has its own amount in the entry's currency and direction, and they add up. */
function splits(txs: Tx[], currency: string, direction: string, amount: bigint): boolean {
  let sum = 0n;
  for (const tx of txs) {
    if (!tx.amount?.text || tx.amount.ccy !== currency) return false;
    if (tx.direction && (tx.direction === 'CRDT' ? 'credit' : 'debit') !== direction) return false;
    const minor = toMinor(tx.amount.text, currency, tx.amount.at, true);
    if (minor === 0n) return false;
    sum += minor;
  }
  return sum === amount;
}

function readTx(tx: unknown, at: string): Tx {
  const txAmt = one(tx, 'AmtDtls', 'TxAmt', 'Amt') ?? one(tx, 'Amt');
  const amtAt = one(tx, 'AmtDtls', 'TxAmt', 'Amt') ? `${at}/AmtDtls/TxAmt/Amt` : `${at}/Amt`;
  const e2e = text(tx, 'Refs', 'EndToEndId');
  const rmt = one(tx, 'RmtInf');
  const parts = [...texts(rmt, 'Ustrd')];
  for (const strd of all(rmt, 'Strd')) {
    parts.push(...texts(one(strd, 'CdtrRefInf'), 'Ref'));
    for (const doc of all(strd, 'RfrdDocInf')) parts.push(...texts(doc, 'Nb'));
    parts.push(...texts(strd, 'AddtlRmtInf'));
  }
  const parties = one(tx, 'RltdPties');
  const party = (role: 'Dbtr' | 'Cdtr') => {
    const iban = text(parties, `${role}Acct`, 'Id', 'IBAN');
    return { name: text(parties, role, 'Pty', 'Nm') ?? text(parties, role, 'Nm'), iban: iban ? normalizeIban(iban) : null };
  };
  return {
    at,
    amount: txAmt === undefined ? null : { text: text(txAmt), ccy: attr(txAmt, 'Ccy'), at: amtAt },
    direction: text(tx, 'CdtDbtInd'),
    ref: text(tx, 'Refs', 'AcctSvcrRef'),
    endToEndId: e2e && e2e.toUpperCase() !== 'NOTPROVIDED' ? e2e : null,
    remittance: squash(parts.join(' ')),
    debtor: party('Dbtr'),
    creditor: party('Cdtr'),
    returnReason: text(tx, 'RtrInf', 'Rsn', 'Cd') ?? text(tx, 'RtrInf', 'Rsn', 'Prtry'),
  };
}
