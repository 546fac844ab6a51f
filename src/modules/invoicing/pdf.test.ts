import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Locale } from '../../core/i18n.js';
import type { InvoiceDocument, TaxTreatment } from './document.js';
import { formatAmount, formatDay, formatQuantity, formatRate, formatTotal, formatUnitPrice } from './document-format.js';
import { sampleDocument } from './document-sample.js';
import { DocumentError, renderDocumentPdf } from './pdf.js';

/**
 * The PDFs are read back with Debian's poppler-utils (pdftotext -layout, pdffonts), as a person's
 * viewer would see them. Without poppler-utils these tests fail (they never skip): .ci/run
 * installs it.
 */
const dir = mkdtempSync(join(tmpdir(), 'pd-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function poppler(tool: 'pdftotext' | 'pdffonts' | 'pdfinfo', args: string[], pdf: Buffer): string {
  const file = join(dir, `doc-${n++}.pdf`);
  writeFileSync(file, pdf);
  try {
    return execFileSync(tool, [...args, file, ...(tool === 'pdftotext' ? ['-'] : [])], { encoding: 'utf8' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${tool} is not installed: these tests read the PDFs with Debian's poppler-utils (apt-get install poppler-utils; .ci/run installs it)`);
    }
    throw e;
  }
}

/** The text of each page (pdftotext -layout), whitespace runs collapsed to one space. */
function pages(pdf: Buffer): string[] {
  const text = poppler('pdftotext', ['-layout', '-enc', 'UTF-8'], pdf);
  const out = text.split('\f').map((p) => p.replace(/\s+/g, ' ').trim());
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/** pdftotext writes U+00A0 / U+202F (the grouping and currency spaces some locales use) as plain spaces. */
const asExtracted = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

function fonts(pdf: Buffer): { name: string; type: string; emb: string }[] {
  return poppler('pdffonts', [], pdf)
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => {
      const cols = l.trim().split(/\s+/);
      // name, type (may be two words), encoding, emb, sub, uni, object, id
      return { name: cols[0]!, type: cols.slice(1, cols.length - 6).join(' '), emb: cols[cols.length - 5]! };
    });
}

/** A small document with amounts chosen by hand: lines 1,000.00 + 234.56 = 1,234.56 net. */
function known(locale: Locale, currency: string, treatment: TaxTreatment, rate: string, tax: bigint): InvoiceDocument {
  const d = sampleDocument(locale, { lines: 2 });
  const g = d.groups[0]!;
  g.lines = [
    { description: g.lines[0]!.description, period: { start: '2026-10-01', end: '2026-10-31' }, quantity: '40', unitPrice: { value: 2500n, scale: 2 }, amount: 100000n, proration: null },
    { description: g.lines[1]!.description, period: { start: '2026-10-20', end: '2026-10-31' }, quantity: '7', unitPrice: { value: 8640000n, scale: 6 }, amount: 23456n, proration: { days: 12, of: 31 } },
  ];
  d.groups = [g];
  d.currency = currency;
  d.tax = { treatment, lines: [{ rate, net: 123456n, tax }] };
  d.totals = { net: 123456n, tax, gross: 123456n + tax };
  return d;
}

describe('invoice PDF in each locale', () => {
  it('de: number, dates, labels and totals as German writes them (19 % VAT)', async () => {
    const doc = known('de', 'EUR', 'standard', '19', 23457n);
    const text = pages(await renderDocumentPdf(doc)).join(' ');
    expect(text).toContain('Rechnung');
    expect(text).toContain('Rechnungsnummer INV-2026-000123');
    expect(text).toContain('Fällig am 17.11.2026');
    expect(text).toContain('Leistungszeitraum 01.10.2026 – 31.10.2026');
    expect(text).toContain('Summe netto 1.234,56 €');
    expect(text).toContain('Umsatzsteuer 234,57 €');
    expect(text).toContain('Rechnungsbetrag 1.469,13 €');
    expect(text).toMatch(/19 % 1\.234,56 234,57/); // tax summary: rate, net, tax
    expect(text).toContain('Anteilig: 12 von 31 Tagen');
    expect(text).toContain('Bitte überweisen Sie 1.469,13 € bis zum 17.11.2026');
    expect(text).toContain('DE02 7015 0000 1234 5678 90');
    expect(text).toContain('https://nordlicht-cloud.example/policies/collections?lang=de');
    expect(text).toContain('Seite 1 von 1');
    expect(text).not.toContain('Reverse Charge');
  });

  it('en: reverse charge prints its legal note and no VAT', async () => {
    const doc = known('en', 'EUR', 'reverse_charge', '0', 0n);
    const text = pages(await renderDocumentPdf(doc)).join(' ');
    expect(text).toContain('Invoice no. INV-2026-000123');
    expect(text).toContain('Due date Nov 17, 2026');
    expect(text).toContain('Total due €1,234.56');
    expect(text).toContain('VAT total €0.00');
    expect(text).toContain('Reverse charge: the recipient of the services is liable for the VAT (Article 196 of Council Directive 2006/112/EC).');
    expect(text).toContain('VAT ID: NL859876543B01');
    expect(text).toContain('Prorated: 12 of 31 days');
    expect(text).toContain('Page 1 of 1');
  });

  it('zh-CN: Chinese labels, dates and yuan amounts', async () => {
    const doc = known('zh-CN', 'CNY', 'zero_rated', '0', 0n);
    const pdf = await renderDocumentPdf(doc);
    const text = pages(pdf).join(' ');
    expect(text).toContain('发票');
    expect(text).toContain('发票号码 INV-2026-000123');
    expect(text).toContain('付款截止日期 2026年11月17日');
    expect(text).toContain('应付总额 ¥1,234.56');
    expect(text).toContain('北京星辰科技有限公司');
    expect(text).toContain('出口服务零税率');
    expect(text).toContain('第 1 页，共 1 页');
    // CJK and the Latin digits next to it come from Noto Sans SC, embedded
    const f = fonts(pdf);
    expect(f.map((x) => x.name.replace(/^[A-Z]{6}\+/, ''))).toEqual(expect.arrayContaining(['NotoSansSC-Regular', 'NotoSansSC-Bold']));
    expect(f.every((x) => x.emb === 'yes')).toBe(true);
  });

  it('ru: Russian labels, dates and rouble amounts with the ₽ sign (from Noto Sans)', async () => {
    const doc = known('ru', 'RUB', 'zero_rated', '0', 0n);
    const pdf = await renderDocumentPdf(doc);
    const text = pages(pdf).join(' ');
    const gross = new Intl.NumberFormat('ru', { style: 'currency', currency: 'RUB' }).format(1234.56); // an independent formatter
    expect(gross).toBe('1\u00a0234,56\u00a0₽');
    expect(formatTotal('ru', 123456n, 'RUB')).toBe(gross);
    expect(text).toContain('Счёт');
    expect(text).toContain('Номер счёта INV-2026-000123');
    expect(text).toContain(`Итого к оплате ${asExtracted(gross)}`);
    expect(text).toContain(`Оплатить до ${asExtracted(new Intl.DateTimeFormat('ru', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(2026, 10, 17))))}`);
    expect(text).toContain('Пропорционально: 12 из 31 дня');
    expect(text).toContain('Страница 1 из 1');
    expect(text).toContain('согласно нашей опубликованной политике взыскания задолженности: https://nordlicht-cloud.example/policies/collections?lang=ru');
    const f = fonts(pdf);
    expect(f.map((x) => x.name.replace(/^[A-Z]{6}\+/, ''))).toEqual(expect.arrayContaining(['NotoSans-Regular', 'NotoSans-Bold']));
    expect(f.every((x) => x.emb === 'yes' && x.type === 'CID TrueType')).toBe(true);
  });

  it('falls back per run: a Chinese name on a Russian invoice, ₽ on a Chinese one', async () => {
    const ru = known('ru', 'RUB', 'zero_rated', '0', 0n);
    ru.customer.name = '上海云桥信息技术有限公司';
    const ruPdf = await renderDocumentPdf(ru);
    expect(pages(ruPdf).join(' ')).toContain('上海云桥信息技术有限公司');
    expect(fonts(ruPdf).map((x) => x.name.replace(/^[A-Z]{6}\+/, ''))).toEqual(expect.arrayContaining(['NotoSans-Regular', 'NotoSansSC-Bold']));

    const zh = known('zh-CN', 'CNY', 'zero_rated', '0', 0n);
    zh.notes = ['原合同金额为 ₽ 95,000（卢布）'];
    const zhPdf = await renderDocumentPdf(zh);
    expect(pages(zhPdf).join(' ')).toContain('原合同金额为 ₽ 95,000（卢布）');
    expect(fonts(zhPdf).map((x) => x.name.replace(/^[A-Z]{6}\+/, ''))).toEqual(expect.arrayContaining(['NotoSansSC-Regular', 'NotoSans-Regular']));
  });

  it('breaks a long table over pages and repeats its header on every page', async () => {
    const doc = sampleDocument('de', { lines: 60 });
    const ps = pages(await renderDocumentPdf(doc));
    expect(ps.length).toBeGreaterThanOrEqual(3);
    const header = 'Beschreibung Zeitraum Menge Einzelpreis Betrag (EUR)';
    const withLines = ps.filter((p) => p.includes('Monatliche Lizenzen'));
    expect(withLines.length).toBeGreaterThanOrEqual(2);
    for (const p of withLines) expect(p).toContain(header);
    ps.forEach((p, i) => expect(p).toContain(`Seite ${i + 1} von ${ps.length}`));
    expect(ps[1]).toContain('Rechnung INV-2026-000123 · Müller & Söhne Maschinenbau KG'); // running header
    // every line amount is printed once, and the total is the exact sum
    const printed = ps.join(' ');
    for (const g of doc.groups) for (const l of g.lines) expect(printed).toContain(asExtracted(formatAmount('de', l.amount, 'EUR')));
    expect(ps[ps.length - 1]).toContain(`Rechnungsbetrag ${asExtracted(formatTotal('de', doc.totals.gross, 'EUR'))}`);
  });

  it('renders a credit note with the invoice it corrects and no payment request', async () => {
    const doc = sampleDocument('de', { kind: 'credit_note', lines: 3 });
    const text = pages(await renderDocumentPdf(doc)).join(' ');
    expect(text).toContain('Rechnungskorrektur');
    expect(text).toContain('Korrekturnummer CN-2026-000007');
    expect(text).toContain('Diese Rechnungskorrektur bezieht sich auf die Rechnung INV-2026-000098 vom 02.10.2026.');
    expect(text).toContain('Grund: Lizenzen zum 1. Oktober gekündigt');
    expect(text).toContain(`Gutschriftsbetrag ${asExtracted(formatTotal('de', doc.totals.gross, 'EUR'))}`);
    expect(text).toContain(`Der Betrag von ${asExtracted(formatTotal('de', doc.totals.gross, 'EUR'))} wird mit offenen Rechnungen verrechnet`);
    expect(text).not.toContain('Fällig am');
    expect(text).not.toContain('Verwendungszweck');

    const ru = pages(await renderDocumentPdf(sampleDocument('ru', { kind: 'credit_note', lines: 3 }))).join(' ');
    expect(ru).toContain('Кредит-нота к счёту № INV-2026-000098 от 2 окт. 2026 г.');
  });

  it('marks every page of a draft, and leaves the watermark off issued documents', async () => {
    const draft = sampleDocument('de', { lines: 40 });
    draft.draft = true;
    if (draft.payment) draft.payment.bankName = null;
    const ps = pages(await renderDocumentPdf(draft));
    expect(ps.length).toBeGreaterThanOrEqual(2);
    expect(ps[0]).toMatch(/Rechnung \S* ?ENTWURF/); // under the title (the address block's first line sits between them)
    for (const p of ps.slice(1)) expect(p).toContain('Rechnung INV-2026-000123 · Müller & Söhne Maschinenbau KG · ENTWURF');
    expect(ps.join(' ')).toContain('Kontoinhaber Nordlicht Cloud Solutions GmbH');
    expect(ps.join(' ')).not.toContain('Stadtsparkasse');
    const issued = pages(await renderDocumentPdf(sampleDocument('de', { lines: 40 }))).join(' ');
    expect(issued).not.toContain('ENTWURF');
  });

  it('is deterministic, dated from the document, and refuses totals that do not add up', async () => {
    const doc = sampleDocument('en', { lines: 12 });
    const a = await renderDocumentPdf(doc);
    const b = await renderDocumentPdf(sampleDocument('en', { lines: 12 }));
    expect(a.equals(b)).toBe(true);
    expect(a.subarray(0, 5).toString()).toBe('%PDF-');
    expect(poppler('pdfinfo', ['-isodates'], a)).toMatch(/CreationDate:\s+2026-11-03T00:00:00Z/);

    const bad = sampleDocument('en', { lines: 3 });
    bad.totals = { ...bad.totals, net: bad.totals.net + 1n, gross: bad.totals.gross + 1n };
    await expect(renderDocumentPdf(bad)).rejects.toThrow(DocumentError);
    const credit = sampleDocument('en', { kind: 'credit_note', lines: 2 });
    credit.credits = null;
    await expect(renderDocumentPdf(credit)).rejects.toThrow(/names the invoice it credits/);
  });
});

describe('document formatting', () => {
  it('formats from the exact decimal, never a float', () => {
    const big = 2n ** 53n + 1n; // not representable as a double
    expect(formatAmount('de', big * 100n + 7n, 'EUR')).toBe('9.007.199.254.740.993,07');
    expect(formatTotal('en', big, 'JPY')).toBe('¥9,007,199,254,740,993');
    expect(formatTotal('en', 1234567n, 'KWD')).toBe('KWD\u00a01,234.567'); // ISO exponent 3
    expect(formatUnitPrice('de', { value: 547500n, scale: 4 }, 'EUR')).toBe('54,75');
    expect(formatUnitPrice('en', { value: 184n, scale: 4 }, 'USD')).toBe('0.0184');
    expect(formatUnitPrice('en', { value: 1200n, scale: 0 }, 'JPY')).toBe('1,200.00');
    expect(formatQuantity('de', '1274.500000')).toBe('1.274,5');
    expect(formatQuantity('ru', '12000')).toBe('12\u00a0000');
    expect(formatRate('de', '19')).toBe('19\u00a0%');
    expect(formatRate('en', '8.1')).toBe('8.1%');
    expect(formatDay('zh-CN', '2026-02-28')).toBe('2026年2月28日');
    expect(formatDay('de', '2026-02-28', 'numeric')).toBe('28.02.2026');
  });
});
