import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Canvas } from '../../src/modules/invoicing/pdf-layout.js';
import { emptyRow } from '../../src/modules/payments/aging.js';
import { renderStatementPdf } from '../../src/modules/payments/statement-pdf.js';
import type { Statement, StatementLine } from '../../src/modules/payments/statement.js';

/** The statement PDF on its own (no database): paging, and text that reads back as it was written. */
const dir = mkdtempSync(join(tmpdir(), 'pd-stmt-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const pages = (pdf: Buffer) => {
  const file = join(dir, `p${n++}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' })
    .split('\f')
    .map((p) => p.normalize('NFKC').replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim())
    .filter(Boolean);
};

function statement(lines: number): Statement {
  const out: StatementLine[] = [];
  let balance = 0n;
  for (let i = 1; i <= lines; i++) {
    const amount = BigInt(i * 1000);
    balance += amount;
    out.push({ date: '2026-10-01', type: 'invoice', documentId: `inv${i}`, number: `RE-2026-${String(i).padStart(6, '0')}`, dueDate: '2026-10-31', amount, method: null, invoiceNumbers: [], receivable: amount, unapplied: 0n, balance });
  }
  return {
    customer: { id: 'cus_1', name: 'Änderungsdienst AG', locale: 'de', email: null, snapshot: { name: 'Änderungsdienst AG', contactName: null, email: null, addressLines: ['Weg 1'], country: 'DE', vatId: null, customerNumber: 'K-1' } },
    from: '2026-10-01',
    to: '2026-10-31',
    currencies: [{ currency: 'EUR', exponent: 2, opening: { receivable: 0n, unapplied: 0n }, lines: out, closing: { receivable: balance, unapplied: 0n }, aging: { ...emptyRow(), current: balance, balance }, openItems: [] }],
  };
}

describe('statement PDF', () => {
  // first in the file: nothing has looked the fonts' glyphs up yet in this process
  it('text reads back whole even after another document embedded a composite glyph first (Ä before A)', async () => {
    // the fonts are shared by every document of the process; a subset with "Ä" looks "A" up as a component
    const c = new Canvas('latin', { title: 't', author: 'a', subject: 's', created: new Date(0), lang: 'de' });
    c.text('Überweisung Änderung', 50, 100, { size: 9, weight: 'bold' });
    await c.finish();
    const text = pages(await renderStatementPdf(statement(2), { name: 'Partner', addressLines: [] })).join(' ');
    expect(text).toContain('Anfangssaldo');
    expect(text).toContain('Offene Posten nach Alter');
  });

  it('breaks long statements over pages, with the running header and the table header again, and closes on the last page', async () => {
    const p = pages(await renderStatementPdf(statement(70), { name: 'Nordlicht Cloud GmbH', addressLines: ['Leopoldstraße 244'] }));
    expect(p.length).toBeGreaterThan(1);
    for (const [i, page] of p.entries()) expect(page).toContain(`Seite ${i + 1} von ${p.length}`);
    expect(p[1]).toContain('Kontoauszug · Änderungsdienst AG');
    expect(p[1]).toContain('Belastungen');
    const all = p.join(' ');
    for (const k of [1, 35, 70]) expect(all).toContain(`RE-2026-${String(k).padStart(6, '0')}`);
    expect(p.at(-1)).toContain('Endsaldo 24.850,00 €'); // (1 + … + 70) × 10.00
  });

});
