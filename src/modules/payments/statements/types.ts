/**
 * A bank statement, whatever format it came in (camt.053, camt.054, MT940, CSV): what the desk
 * needs to match incoming money to customers and invoices. Amounts are exact minor units of the
 * entry's own currency (a statement may hold entries in several currencies).
 */
export type StatementFormat = 'camt.053' | 'camt.054' | 'mt940' | 'csv';

export interface ParsedStatement {
  format: StatementFormat;
  /** e.g. "camt.053.001.08"; null for MT940 and CSV */
  version: string | null;
  /** the bank's id of the statement (camt Stmt/Ntfctn Id, MT940 :20:/:28C:); CSV: a hash of the rows */
  statementId: string;
  /** the account the statement is for: IBAN when given (checked), else the bank's account id */
  account: { iban: string | null; other: string | null; currency: string | null; servicer: string | null };
  /** YYYY-MM-DD, when given */
  fromDate: string | null;
  toDate: string | null;
  /** opening and closing booked balance in minor units of the account currency, when given */
  openingBalance: bigint | null;
  closingBalance: bigint | null;
  entries: ParsedEntry[];
}

export interface ParsedEntry {
  /** 1-based position in the file's statement, for messages ("entry 3") */
  position: number;
  /** a key for this entry that does not change between a camt.053 and camt.054 of the same booking: the bank reference (AcctSvcrRef) when present, else a hash of account, dates, amount, direction and references */
  key: string;
  bookingDate: string | null;
  valueDate: string | null;
  /** always positive minor units */
  amount: bigint;
  currency: string;
  direction: 'credit' | 'debit';
  /** RvslInd / MT940 "RC"/"RD": this entry reverses an earlier one */
  reversal: boolean;
  status: 'booked' | 'pending' | 'info';
  bankReference: string | null;
  endToEndId: string | null;
  /** unstructured and structured remittance information joined with spaces */
  remittance: string;
  payer: { name: string | null; iban: string | null };
  /** bank transaction code when given (BkTxCd domain/family/subfamily, MT940 transaction type, e.g. "NTRF") */
  transactionCode: string | null;
  /** a return reason when the bank gives one (camt RtrInf/Rsn/Cd, e.g. "AC04", "MD06") */
  returnReason: string | null;
}

/** A statement file that cannot be read: the desk stores nothing and says why, with the place. */
export class StatementError extends Error {
  constructor(
    readonly code: string,
    readonly params: Record<string, string | number> = {},
    /** where: "line 12", "Stmt[0]/Ntry[3]/Amt", "row 7, column amount" */
    readonly at: string | null = null,
  ) {
    super(`${code}${at ? ` at ${at}` : ''}: ${JSON.stringify(params)}`);
  }
}

/** A saved column mapping for one bank's CSV export. */
export interface CsvMapping {
  delimiter?: ',' | ';' | '\t' | undefined;
  /** "." or ","; default "." */
  decimalSeparator?: '.' | ',' | undefined;
  /** e.g. "YYYY-MM-DD", "DD.MM.YYYY", "MM/DD/YYYY", "DD/MM/YYYY" */
  dateFormat: string;
  /** header names (exact, trimmed) of the columns */
  columns: {
    bookingDate: string;
    valueDate?: string | undefined;
    /** a signed amount column … */
    amount?: string | undefined;
    /** … or separate credit and debit columns */
    credit?: string | undefined;
    debit?: string | undefined;
    currency?: string | undefined;
    remittance: string | string[];
    payerName?: string | undefined;
    payerIban?: string | undefined;
    reference?: string | undefined;
    endToEndId?: string | undefined;
  };
  /** the currency when there is no currency column */
  currency?: string | undefined;
  /** the account when the file does not say */
  accountIban?: string | undefined;
}
