import type { I18n, MessageParams } from '../../core/i18n.js';
import { loadI18n } from '../../locales.js';
import { countryName } from '../invoicing/build-document.js';
import { formatAmount, formatDay, formatTotal } from '../invoicing/document-format.js';
import type { DocumentIssuer } from '../invoicing/document.js';
import { primaryFamily } from '../invoicing/pdf-fonts.js';
import { Canvas, COLORS, CONTENT_WIDTH, PAGE } from '../invoicing/pdf-layout.js';
import { BUCKETS } from './aging.js';
import type { CurrencyStatement, Statement, StatementLine } from './statement.js';

/**
 * The customer statement as an A4 PDF in the statement's locale, drawn with the invoice PDF's
 * building blocks (fonts with CJK and ₽ fallback, locale money and dates, the partner's header and
 * footer lines). Per currency: the movements with a running balance between the opening and the
 * closing balance, the unapplied credit, and the open items aged as of the end of the period.
 * Deterministic: the same statement gives the same bytes.
 */
type T = (key: string, params?: MessageParams) => string;

const RIGHT_X = PAGE.width - PAGE.right;
const INFO_X = 320;

function columns(widths: number[]): { x: number; w: number }[] {
  let x = PAGE.left;
  return widths.map((w) => {
    const col = { x: x + 3, w: w - 6 };
    x += w;
    return col;
  });
}
// date | document | details | charges | payments and credits | balance
const MOVE = columns([58, 92, 158, 62, 62, CONTENT_WIDTH - 432]);
// document | issued | due | days past due | disputed | open
const ITEM = columns([110, 78, 78, 72, 78, CONTENT_WIDTH - 416]);
const AGE = columns(Array.from({ length: 7 }, () => CONTENT_WIDTH / 7));

class StatementRenderer {
  private readonly loc;
  constructor(
    private readonly c: Canvas,
    private readonly s: Statement,
    private readonly issuer: DocumentIssuer,
    private readonly t: T,
  ) {
    this.loc = s.customer.locale;
  }

  private day(d: string): string {
    return formatDay(this.loc, d);
  }

  /** table cells: the short numeric form, so a date fits its column in every language */
  private cell(d: string): string {
    return formatDay(this.loc, d, 'numeric');
  }

  header(): void {
    const { c, s, t, issuer } = this;
    const top = PAGE.top;
    let leftBottom: number;
    if (issuer.logo) {
      c.doc.image(issuer.logo, PAGE.left, top, { fit: [160, 56] });
      leftBottom = top + 56;
    } else {
      leftBottom = top + c.text(issuer.name, PAGE.left, top, { size: 16, weight: 'bold', color: COLORS.accent, width: 250 });
    }
    const w = RIGHT_X - INFO_X;
    let y = top + c.text(issuer.name, INFO_X, top, { size: 10, weight: 'bold', align: 'right', width: w }) + 2;
    for (const line of issuer.addressLines) y += c.text(line, INFO_X, y, { size: 8, color: COLORS.muted, align: 'right', width: w }) + 1;

    let ly = Math.max(leftBottom, y) + 22;
    const blockTop = ly;
    ly += c.text([issuer.name, ...issuer.addressLines].join(' · '), PAGE.left, ly, { size: 6.5, color: COLORS.muted, width: 250 }) + 6;
    ly += c.text(t('customer'), PAGE.left, ly, { size: 7.5, color: COLORS.muted, width: 250 }) + 2;
    const cust = s.customer.snapshot;
    ly += c.text(cust.name, PAGE.left, ly, { size: 10, weight: 'bold', width: 250 }) + 1;
    if (cust.contactName) ly += c.text(cust.contactName, PAGE.left, ly, { size: 9, width: 250 }) + 1;
    const country = countryName(this.loc, cust.country);
    for (const line of country ? [...cust.addressLines, country] : cust.addressLines) ly += c.text(line, PAGE.left, ly, { size: 9, width: 250 }) + 1;

    let ry = blockTop + c.text(t('title'), INFO_X, blockTop, { size: 16, weight: 'bold', color: COLORS.accent, width: w }) + 6;
    const rows: [string, string][] = [
      [t('period'), t('period_range', { start: this.cell(s.from), end: this.cell(s.to) })],
      [t('statement_date'), this.day(s.to)],
    ];
    if (cust.customerNumber) rows.push([t('customer_number'), cust.customerNumber]);
    for (const [label, value] of rows) {
      const h1 = c.text(label, INFO_X, ry, { size: 8.5, color: COLORS.muted, width: 96 });
      const h2 = c.text(value, INFO_X + 100, ry, { size: 8.5, width: w - 100, align: 'right' });
      ry += Math.max(h1, h2) + 2;
    }
    c.y = Math.max(ly, ry) + 18;
    if (!s.currencies.length) c.para(t('no_activity'), { size: 9 });
  }

  private runningHeader(): void {
    const { c, s, t } = this;
    c.text(`${t('title')} · ${s.customer.name} · ${t('period_range', { start: this.day(s.from), end: this.day(s.to) })}`, PAGE.left, c.y, { size: 8, color: COLORS.muted, width: CONTENT_WIDTH });
    c.y += 16;
  }

  /** A row of cells; the first `left` columns are left-aligned, the rest right-aligned. Returns its height. */
  private row(cols: { x: number; w: number }[], cells: string[], style: { size?: number; weight?: 'regular' | 'bold'; color?: string; fill?: string } = {}, left = 3, draw = true): number {
    const size = style.size ?? 8.5;
    const h = Math.max(...cells.map((s, i) => this.c.measure(s, { size, weight: style.weight ?? 'regular', width: cols[i]!.w }))) + 7;
    if (!draw) return h;
    if (style.fill) this.c.fill(PAGE.left, this.c.y, CONTENT_WIDTH, h, style.fill);
    cells.forEach((s, i) => this.c.text(s, cols[i]!.x, this.c.y + 3.5, { size, weight: style.weight ?? 'regular', color: style.color ?? COLORS.text, width: cols[i]!.w, align: i >= left ? 'right' : 'left' }));
    this.c.y += h;
    return h;
  }

  private keep(cols: { x: number; w: number }[], cells: string[], style: Parameters<StatementRenderer['row']>[2] = {}, left = 3): void {
    this.c.ensure(this.row(cols, cells, style, left, false));
    this.row(cols, cells, style, left);
  }

  private details(l: StatementLine, cur: string): string {
    const { t } = this;
    const money = (x: bigint) => formatTotal(this.loc, x, cur);
    const numbers = l.invoiceNumbers.join(', ');
    const method = l.method ? t(`method.${l.method}`) : '';
    switch (l.type) {
      case 'invoice':
        return l.dueDate ? t('line.invoice_due', { date: this.day(l.dueDate) }) : t('line.invoice');
      case 'credit_note':
        return t('line.credit_note');
      case 'payment': {
        const parts = [t('line.payment', { amount: money(l.amount), method })];
        if (numbers) parts.push(t('line.applied_to', { numbers }));
        if (l.unapplied > 0n) parts.push(t('line.kept_as_credit', { amount: money(l.unapplied) }));
        return parts.join('; ');
      }
      case 'credit_applied':
        return t('line.credit_applied', { amount: money(l.amount), numbers });
      case 'allocation_undone':
        return t('line.allocation_undone', { amount: money(l.amount), numbers });
      case 'payment_reversed':
        return t('line.payment_reversed', { amount: money(l.amount), numbers });
      case 'refund':
        return t('line.refund', { amount: money(l.amount), method });
      default:
        return t('line.other');
    }
  }

  currency(cs: CurrencyStatement): void {
    const { c, t } = this;
    const cur = cs.currency;
    const amt = (x: bigint) => formatAmount(this.loc, x, cur);
    c.ensure(80);
    c.para(t('account', { currency: cur }), { size: 11, weight: 'bold', color: COLORS.accent }, PAGE.left, 6);
    const heads = [t('col.date'), t('col.document'), t('col.details'), t('col.charges'), t('col.credits'), t('col.balance', { currency: cur })];
    const tableHeader = () => this.row(MOVE, heads, { size: 7.5, weight: 'bold', fill: COLORS.headFill });
    c.onNewPage = () => {
      this.runningHeader();
      tableHeader();
    };
    tableHeader();
    this.keep(MOVE, [this.cell(this.s.from), '', t('opening_balance'), '', '', amt(cs.opening.receivable)], { weight: 'bold' });
    for (const l of cs.lines) {
      const cells = [this.cell(l.date), l.number ?? '', this.details(l, cur), l.receivable > 0n ? amt(l.receivable) : '', l.receivable < 0n ? amt(-l.receivable) : '', amt(l.balance)];
      this.keep(MOVE, cells);
      c.rule(c.y, PAGE.left, RIGHT_X, '#e4e4e4', 0.4);
    }
    this.keep(MOVE, [this.cell(this.s.to), '', t('closing_balance'), '', '', amt(cs.closing.receivable)], { weight: 'bold' });
    c.onNewPage = () => this.runningHeader();
    c.rule(c.y, PAGE.left, RIGHT_X, COLORS.text, 0.8);
    c.y += 10;

    // the totals a reader looks for, with the currency
    const totals: [string, string][] = [[t('closing_balance'), formatTotal(this.loc, cs.closing.receivable, cur)]];
    if (cs.closing.unapplied !== 0n) {
      totals.push([t('unapplied_credit'), formatTotal(this.loc, cs.closing.unapplied, cur)]);
      totals.push([t('net_balance'), formatTotal(this.loc, cs.closing.receivable - cs.closing.unapplied, cur)]);
    }
    c.ensure(totals.length * 16 + 8);
    const labelX = RIGHT_X - 330;
    for (const [label, value] of totals) {
      const hl = c.text(label, labelX, c.y, { size: 9.5, weight: 'bold', width: 200 });
      const hv = c.text(value, labelX + 200, c.y, { size: 9.5, weight: 'bold', width: 130, align: 'right' });
      c.y += Math.max(hl, hv) + 4;
    }
    c.y += 10;

    // open items aged on the last day of the period
    c.ensure(70);
    c.para(t('aging_title', { date: this.day(this.s.to) }), { size: 9.5, weight: 'bold' }, PAGE.left, 4);
    this.row(AGE, [...BUCKETS.map((b) => t(`bucket.${b}`)), t('bucket.disputed'), t('bucket.total')], { size: 7.5, weight: 'bold', fill: COLORS.headFill }, 0);
    this.keep(AGE, [...BUCKETS.map((b) => amt(cs.aging[b])), amt(cs.aging.disputed), amt(cs.aging.balance)], {}, 0);
    c.y += 10;
    if (cs.openItems.length) {
      const itemHeads = [t('col.document'), t('col.issued'), t('col.due'), t('col.days_past_due'), t('col.disputed'), t('col.open')];
      c.ensure(40);
      c.onNewPage = () => {
        this.runningHeader();
        this.row(ITEM, itemHeads, { size: 7.5, weight: 'bold', fill: COLORS.headFill }, 3);
      };
      this.row(ITEM, itemHeads, { size: 7.5, weight: 'bold', fill: COLORS.headFill }, 3);
      for (const i of cs.openItems) {
        const doc = `${t(`kind.${i.kind}`)} ${i.number}`;
        const open = i.kind === 'invoice' ? i.open : -i.open;
        this.keep(ITEM, [doc, this.cell(i.issueDate), i.dueDate ? this.cell(i.dueDate) : '', i.daysPastDue !== null && i.daysPastDue > 0 ? String(i.daysPastDue) : '', i.disputed ? amt(i.disputed) : '', amt(open)]);
      }
      c.onNewPage = () => this.runningHeader();
    }
    c.y += 16;
  }

  footers(): void {
    const { c, t, issuer } = this;
    const first = [issuer.name, ...issuer.addressLines];
    if (issuer.taxId) first.push(`${t('tax_id')}: ${issuer.taxId}`);
    const contacts = [issuer.email && `${t('email')}: ${issuer.email}`, issuer.phone && `${t('phone')}: ${issuer.phone}`, issuer.website && `${t('website')}: ${issuer.website}`].filter(Boolean) as string[];
    const legal = [first.join(' · '), ...(contacts.length ? [contacts.join(' · ')] : []), ...(issuer.legalLines ?? [])];
    c.eachPage((i, n) => {
      const top = PAGE.height - PAGE.bottom + 16;
      c.rule(top - 6);
      let y = top;
      for (const line of legal) y += c.text(line, PAGE.left, y, { size: 6.5, color: COLORS.muted, width: CONTENT_WIDTH - 110 }) + 1;
      c.text(t('page_of', { page: i + 1, pages: n }), RIGHT_X - 100, top, { size: 7.5, color: COLORS.muted, width: 100, align: 'right' });
    });
  }
}

export async function renderStatementPdf(s: Statement, issuer: DocumentIssuer, deps: { i18n?: I18n } = {}): Promise<Buffer> {
  const f = (deps.i18n ?? loadI18n()).formatter(s.customer.locale);
  const t: T = (key, params) => f.t(`statement_pdf.${key}`, params);
  const title = `${t('title')} ${s.from} – ${s.to}`;
  const c = new Canvas(primaryFamily(s.customer.locale), { title, author: issuer.name, subject: `${title} – ${s.customer.name}`, created: new Date(`${s.to}T00:00:00Z`), lang: s.customer.locale });
  const r = new StatementRenderer(c, s, issuer, t);
  c.onNewPage = () => undefined;
  r.header();
  for (const cs of s.currencies) r.currency(cs);
  r.footers();
  return c.finish();
}
