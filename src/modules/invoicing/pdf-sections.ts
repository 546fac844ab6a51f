import type { MessageParams } from '../../core/i18n.js';
import type { DayRange, DocumentLine, DocumentLineGroup, InvoiceDocument } from './document.js';
import { formatAmount, formatDay, formatQuantity, formatRate, formatTotal, formatUnitPrice } from './document-format.js';
import { Canvas, COLORS, CONTENT_WIDTH, PAGE } from './pdf-layout.js';

export type T = (key: string, params?: MessageParams) => string;

// table columns: description | period | quantity | unit price | amount
const COLS = (() => {
  const widths = [192, 112, 48, 68, CONTENT_WIDTH - 192 - 112 - 48 - 68];
  let x = PAGE.left;
  return widths.map((w) => {
    const col = { x: x + 4, w: w - 8 };
    x += w;
    return col;
  }) as [Col, Col, Col, Col, Col];
})();
interface Col {
  x: number;
  w: number;
}
const RIGHT_X = PAGE.width - PAGE.right;
const INFO_X = 320;

/** Draws the sections of one document on a Canvas, top to bottom. */
export class Renderer {
  constructor(
    private readonly c: Canvas,
    private readonly d: InvoiceDocument,
    private readonly t: T,
  ) {}

  private range(p: DayRange, style: 'medium' | 'numeric'): string {
    return this.t('period_range', { start: formatDay(this.d.locale, p.start, style), end: formatDay(this.d.locale, p.end, style) });
  }

  private total(minor: bigint): string {
    return formatTotal(this.d.locale, minor, this.d.currency);
  }

  header(): void {
    const { c, d, t } = this;
    const top = PAGE.top;
    // left: logo, or the partner's name as a word mark
    let leftBottom = top;
    if (d.issuer.logo) {
      c.doc.image(d.issuer.logo, PAGE.left, top, { fit: [160, 56] });
      leftBottom = top + 56;
    } else {
      leftBottom = top + c.text(d.issuer.name, PAGE.left, top, { size: 16, weight: 'bold', color: COLORS.accent, width: 250 });
    }
    // right: the partner's name, address and contacts
    let y = top;
    const w = RIGHT_X - INFO_X;
    y += c.text(d.issuer.name, INFO_X, y, { size: 10, weight: 'bold', align: 'right', width: w }) + 2;
    // address here; VAT id, contacts and register lines in every page's footer
    for (const line of d.issuer.addressLines) y += c.text(line, INFO_X, y, { size: 8, color: COLORS.muted, align: 'right', width: w }) + 1;

    // left: the customer's address block, under a one-line sender address
    let ly = Math.max(leftBottom, y) + 22;
    const blockTop = ly;
    const sender = [d.issuer.name, ...d.issuer.addressLines].join(' · ');
    ly += c.text(sender, PAGE.left, ly, { size: 6.5, color: COLORS.muted, width: 250 }) + 6;
    ly += c.text(t('customer'), PAGE.left, ly, { size: 7.5, color: COLORS.muted, width: 250 }) + 2;
    ly += c.text(d.customer.name, PAGE.left, ly, { size: 10, weight: 'bold', width: 250 }) + 1;
    if (d.customer.contactName) ly += c.text(d.customer.contactName, PAGE.left, ly, { size: 9, width: 250 }) + 1;
    for (const line of d.customer.addressLines) ly += c.text(line, PAGE.left, ly, { size: 9, width: 250 }) + 1;
    if (d.customer.taxId) ly += c.text(`${t('tax_id')}: ${d.customer.taxId}`, PAGE.left, ly + 3, { size: 8, width: 250 }) + 4;

    // right: title, number, dates
    let ry = blockTop;
    ry += c.text(t(`title.${d.kind}`), INFO_X, ry, { size: 20, weight: 'bold', color: COLORS.accent, width: w }) + 6;
    if (d.draft) ry += c.text(this.draftLabel(), INFO_X, ry - 4, { size: 9, weight: 'bold', color: '#b03a2e', width: w }) + 4;
    const rows: [string, string][] = [[t(`number.${d.kind}`), d.number], [t('issue_date'), formatDay(d.locale, d.issueDate)]];
    if (d.dueDate && d.kind === 'invoice') rows.push([t('due_date'), formatDay(d.locale, d.dueDate)]);
    if (d.servicePeriod) rows.push([t('service_period'), this.range(d.servicePeriod, 'numeric')]);
    if (d.customer.customerNumber) rows.push([t('customer_number'), d.customer.customerNumber]);
    const labelW = 100;
    for (const [label, value] of rows) {
      const h1 = c.text(label, INFO_X, ry, { size: 8.5, color: COLORS.muted, width: labelW - 4 });
      const h2 = c.text(value, INFO_X + labelW, ry, { size: 8.5, weight: label === rows[0]![0] ? 'bold' : 'regular', width: w - labelW, align: 'right' });
      ry += Math.max(h1, h2) + 2;
    }
    c.y = Math.max(ly, ry) + 18;

    if (d.kind === 'credit_note' && d.credits) {
      c.para(t('credits_invoice', { number: d.credits.number, date: formatDay(d.locale, d.credits.issueDate) }), { size: 9, weight: 'bold' });
      if (d.reason) c.para(t('reason', { reason: d.reason }), { size: 9 });
      c.y += 8;
    }
  }

  private tableHeader(): void {
    const { c, t } = this;
    const labels = [t('col.description'), t('col.period'), t('col.quantity'), t('col.unit_price'), t('col.amount', { currency: this.d.currency })];
    const style = { size: 7.5, weight: 'bold' as const };
    const h = Math.max(...labels.map((l, i) => c.measure(l, { ...style, width: COLS[i]!.w }))) + 8;
    c.fill(PAGE.left, c.y, CONTENT_WIDTH, h, COLORS.headFill);
    labels.forEach((l, i) => c.text(l, COLS[i]!.x, c.y + 4, { ...style, width: COLS[i]!.w, align: i >= 2 ? 'right' : 'left' }));
    c.y += h + 2;
  }

  private groupTitle(g: DocumentLineGroup, continued: boolean): void {
    const { c } = this;
    const title = continued ? this.t('group_continued', { title: g.title }) : g.title;
    const h = this.groupTitleHeight(g, continued);
    const hTitle = c.text(title, COLS[0].x, c.y + 3, { size: 9, weight: 'bold', width: CONTENT_WIDTH - 8 });
    if (g.subtitle) c.text(g.subtitle, COLS[0].x, c.y + 3 + hTitle, { size: 7, color: COLORS.muted, width: CONTENT_WIDTH - 8 });
    c.y += h;
  }

  private groupTitleHeight(g: DocumentLineGroup, continued: boolean): number {
    const title = continued ? this.t('group_continued', { title: g.title }) : g.title;
    const width = CONTENT_WIDTH - 8;
    return 3 + this.c.measure(title, { size: 9, weight: 'bold', width }) + (g.subtitle ? this.c.measure(g.subtitle, { size: 7, width }) : 0) + 2;
  }

  private lineCells(l: DocumentLine): { texts: string[]; prorate: string | null } {
    const loc = this.d.locale;
    return {
      texts: [
        l.description,
        l.period ? this.range(l.period, 'numeric') : '',
        formatQuantity(loc, l.quantity),
        formatUnitPrice(loc, l.unitPrice, this.d.currency),
        formatAmount(loc, l.amount, this.d.currency),
      ],
      prorate: l.proration ? this.t('proration', { days: l.proration.days, of: l.proration.of }) : null,
    };
  }

  private lineHeight(l: DocumentLine): number {
    const { texts, prorate } = this.lineCells(l);
    const hs = texts.map((s, i) => this.c.measure(s, { size: 8.5, width: COLS[i]!.w }));
    hs[0] = hs[0]! + (prorate ? 1 + this.c.measure(prorate, { size: 7.5, width: COLS[0].w }) : 0);
    return Math.max(...hs) + 7;
  }

  private line(l: DocumentLine): void {
    const { c } = this;
    const { texts, prorate } = this.lineCells(l);
    const h = this.lineHeight(l);
    texts.forEach((s, i) => c.text(s, COLS[i]!.x, c.y + 3.5, { size: 8.5, width: COLS[i]!.w, align: i >= 2 ? 'right' : 'left' }));
    if (prorate) {
      const hd = c.measure(texts[0]!, { size: 8.5, width: COLS[0].w });
      c.text(prorate, COLS[0].x, c.y + 3.5 + hd + 1, { size: 7.5, color: COLORS.muted, width: COLS[0].w });
    }
    c.y += h;
    c.rule(c.y, PAGE.left, RIGHT_X, '#e4e4e4', 0.4);
  }

  table(): void {
    const { c, d } = this;
    let current: DocumentLineGroup | null = null;
    c.onNewPage = () => {
      this.runningHeader();
      this.tableHeader();
      if (current) this.groupTitle(current, true);
    };
    c.ensure(60);
    this.tableHeader();
    for (const g of d.groups) {
      current = null;
      const first = g.lines[0];
      // keep a group's title with its first line
      c.ensure(this.groupTitleHeight(g, false) + (first ? this.lineHeight(first) : 0));
      this.groupTitle(g, false);
      current = g;
      const withSubtotal = g.lines.length > 1;
      g.lines.forEach((l, i) => {
        // keep the last line with the group's subtotal
        c.ensure(this.lineHeight(l) + (withSubtotal && i === g.lines.length - 1 ? 16 : 0));
        this.line(l);
      });
      if (withSubtotal) {
        const sub = g.lines.reduce((s, l) => s + l.amount, 0n);
        c.ensure(16);
        c.text(this.t('subtotal'), COLS[2].x, c.y + 3, { size: 8, color: COLORS.muted, width: COLS[2].w + COLS[3].w + 8, align: 'right' });
        c.text(formatAmount(d.locale, sub, d.currency), COLS[4].x, c.y + 3, { size: 8.5, weight: 'bold', width: COLS[4].w, align: 'right' });
        c.y += 16;
      }
      current = null;
    }
    c.onNewPage = () => this.runningHeader();
    c.rule(c.y, PAGE.left, RIGHT_X, COLORS.text, 0.8);
    c.y += 12;
  }

  private draftLabel(): string {
    return this.t('draft').toLocaleUpperCase(this.d.locale);
  }

  private runningHeader(): void {
    const { c, d, t } = this;
    const draft = d.draft ? ` · ${this.draftLabel()}` : '';
    c.text(`${t(`title.${d.kind}`)} ${d.number} · ${d.customer.name}${draft}`, PAGE.left, c.y, { size: 8, color: COLORS.muted, width: CONTENT_WIDTH });
    c.y += 16;
  }

  /** Tax summary (left) and totals (right), kept together. */
  summary(): void {
    const { c, d, t } = this;
    const loc = d.locale;
    const taxCols = [
      { x: PAGE.left, w: 70 },
      { x: PAGE.left + 70, w: 90 },
      { x: PAGE.left + 160, w: 80 },
    ];
    const totalsX = 320;
    const totalsW = RIGHT_X - totalsX;
    const rows: [string, string, boolean][] = [
      [t('total_net'), this.total(d.totals.net), false],
      [t('total_tax'), this.total(d.totals.tax), false],
      [t(`total_gross.${d.kind}`), this.total(d.totals.gross), true],
    ];
    const height = Math.max(16 + 14 * (d.tax.lines.length + 1), rows.length * 16 + 12);
    c.ensure(height);
    const top = c.y;
    // tax summary
    let y = top;
    if (d.tax.lines.length) {
      c.text(t('tax_summary'), PAGE.left, y, { size: 8.5, weight: 'bold', width: 240 });
      y += 14;
      const heads = [t('tax_rate'), t('tax_net'), t('tax_amount')];
      heads.forEach((h, i) => c.text(h, taxCols[i]!.x, y, { size: 7.5, color: COLORS.muted, width: taxCols[i]!.w - 4, align: i ? 'right' : 'left' }));
      y += 12;
      for (const l of d.tax.lines) {
        const cells = [formatRate(loc, l.rate), formatAmount(loc, l.net, d.currency), formatAmount(loc, l.tax, d.currency)];
        cells.forEach((s, i) => c.text(s, taxCols[i]!.x, y, { size: 8.5, width: taxCols[i]!.w - 4, align: i ? 'right' : 'left' }));
        y += 13;
      }
    }
    // totals
    let ty = top;
    for (const [label, value, strong] of rows) {
      if (strong) {
        c.rule(ty + 1, totalsX, RIGHT_X, COLORS.text, 0.8);
        ty += 5;
      }
      const size = strong ? 11 : 9;
      const weight = strong ? 'bold' : 'regular';
      const hl = c.text(label, totalsX, ty, { size, weight, width: totalsW * 0.55 });
      const hv = c.text(value, totalsX + totalsW * 0.45, ty, { size, weight, width: totalsW * 0.55, align: 'right' });
      ty += Math.max(hl, hv) + 4;
    }
    c.y = Math.max(y, ty) + 14;
  }

  closing(): void {
    const { c, d, t } = this;
    if (d.tax.treatment !== 'standard') c.para(t(`tax_note.${d.tax.treatment}`), { size: 8.5, weight: 'bold' }, PAGE.left, 10);
    if (d.notes?.length) {
      c.para(t('notes'), { size: 8.5, weight: 'bold' }, PAGE.left, 2);
      for (const n of d.notes) c.para(n, { size: 8.5 }, PAGE.left, 3);
      c.y += 8;
    }
    const gross = this.total(d.totals.gross);
    if (d.payment) {
      const p = d.payment;
      const rows: [string, string][] = [[t('payment.account_holder'), p.accountHolder]];
      if (p.bankName) rows.push([t('payment.bank'), p.bankName]);
      rows.push([t('payment.iban'), p.iban]);
      if (p.bic) rows.push([t('payment.bic'), p.bic]);
      rows.push([t('payment.reference'), p.reference]);
      const intro =
        d.kind === 'credit_note'
          ? t('payment.credit', { amount: gross })
          : d.dueDate
            ? t('payment.instruction', { amount: gross, date: formatDay(d.locale, d.dueDate) })
            : t('payment.instruction_no_due', { amount: gross });
      // two columns of label/value pairs: holder, bank | IBAN, BIC, reference
      const colW = (CONTENT_WIDTH - 20) / 2;
      const labelW = 95;
      const cols = [rows.slice(0, 2), rows.slice(2)];
      const pairH = ([l, v]: [string, string]) => Math.max(c.measure(l, { size: 8.5, width: labelW - 4 }), c.measure(v, { size: 8.5, weight: 'bold', width: colW - labelW - 6 })) + 2;
      const rowsH = Math.max(...cols.map((col) => col.reduce((s, r) => s + pairH(r), 0)));
      const boxH = 10 + 14 + c.measure(intro, { size: 8.5, width: CONTENT_WIDTH - 20 }) + 6 + rowsH + 8;
      c.ensure(boxH);
      const top = c.y;
      c.fill(PAGE.left, top, CONTENT_WIDTH, boxH, '#f6f7f9');
      let y = top + 10;
      y += c.text(t('payment.title'), PAGE.left + 10, y, { size: 9, weight: 'bold', width: CONTENT_WIDTH - 20 }) + 4;
      y += c.text(intro, PAGE.left + 10, y, { size: 8.5, width: CONTENT_WIDTH - 20 }) + 6;
      cols.forEach((col, i) => {
        const x = PAGE.left + 10 + i * colW;
        let cy = y;
        for (const pair of col) {
          c.text(pair[0], x, cy, { size: 8.5, color: COLORS.muted, width: labelW - 4 });
          c.text(pair[1], x + labelW, cy, { size: 8.5, weight: 'bold', width: colW - labelW - 6 });
          cy += pairH(pair);
        }
      });
      c.y = top + boxH + 12;
    } else if (d.kind === 'credit_note') {
      c.para(t('payment.credit', { amount: gross }), { size: 8.5 }, PAGE.left, 10);
    }
    if (d.collectionsPolicy) c.para(t('policy', { url: `\n${d.collectionsPolicy.url}` }), { size: 8, color: COLORS.muted }, PAGE.left, 6);
  }

  footers(): void {
    const { c, d, t } = this;
    const first = [d.issuer.name, ...d.issuer.addressLines];
    if (d.issuer.taxId) first.push(`${t('tax_id')}: ${d.issuer.taxId}`);
    const contacts: string[] = [];
    if (d.issuer.email) contacts.push(`${t('email')}: ${d.issuer.email}`);
    if (d.issuer.phone) contacts.push(`${t('phone')}: ${d.issuer.phone}`);
    if (d.issuer.website) contacts.push(`${t('website')}: ${d.issuer.website}`);
    const legal = [first.join(' · '), ...(contacts.length ? [contacts.join(' · ')] : []), ...(d.issuer.legalLines ?? [])];
    const watermark = d.draft ? this.draftLabel() : null; // drawn diagonally; text extraction skips it, the title and running header say it too
    c.eachPage((i, n) => {
      if (watermark) {
        c.doc.save().rotate(-35, { origin: [PAGE.width / 2, PAGE.height / 2] }).fillOpacity(0.1);
        c.text(watermark, 0, PAGE.height / 2 - 50, { size: 96, weight: 'bold', color: COLORS.accent, width: PAGE.width, align: 'center' });
        c.doc.restore();
      }
      const top = PAGE.height - PAGE.bottom + 16;
      c.rule(top - 6);
      let y = top;
      for (const line of legal) y += c.text(line, PAGE.left, y, { size: 6.5, color: COLORS.muted, width: CONTENT_WIDTH - 110 }) + 1;
      c.text(t('page_of', { page: i + 1, pages: n }), RIGHT_X - 100, top, { size: 7.5, color: COLORS.muted, width: 100, align: 'right' });
    });
  }
}
