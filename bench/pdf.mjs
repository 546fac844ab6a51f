#!/usr/bin/env node
/**
 * Invoice PDFs per second: a 1-page and a 5-page invoice, Latin (de) and Chinese (zh-CN) fonts,
 * rendered one after another on one core (fonts parsed once per process, as in a worker).
 * Prints figures; asserts nothing. Run: npm run bench:pdf   (or import { pdfBench } from bench/invoice.mjs)
 */
import { pathToFileURL } from 'node:url';
import { load } from './lib.mjs';

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

/** Pages of a PDF made by pdfkit (one `/Type /Page` object per page). */
const pageCount = (pdf) => (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;

/**
 * Render each case for `seconds` (at least `min` PDFs) and return, per case, PDFs/s, ms per PDF,
 * pages and bytes, after `warmup` seconds of rendering them all. `coldMs`: the first two renders in
 * the process (font files read and parsed, code not yet optimized).
 */
export async function pdfBench({ seconds = 3, min = 5, warmup = 2, cases } = {}) {
  const { renderDocumentPdf } = await load('modules/invoicing/pdf.js');
  const { sampleDocument } = await load('modules/invoicing/document-sample.js');
  cases ??= [
    { name: 'de 1 page', locale: 'de', lines: 8 },
    { name: 'de 5 pages', locale: 'de', lines: 72 },
    { name: 'zh-CN 1 page', locale: 'zh-CN', lines: 6 },
    { name: 'zh-CN 5 pages', locale: 'zh-CN', lines: 72 },
  ];
  const t0 = process.hrtime.bigint();
  await renderDocumentPdf(sampleDocument('de', { lines: 8 }));
  await renderDocumentPdf(sampleDocument('zh-CN', { lines: 8 }));
  const cold = ms(t0);
  // warm up (JIT, fontkit's glyph caches) on every case before timing any
  const docs = cases.map((c) => sampleDocument(c.locale, { lines: c.lines }));
  const w0 = process.hrtime.bigint();
  while (ms(w0) < warmup * 1000) for (const d of docs) await renderDocumentPdf(d);
  const results = {};
  for (const c of cases) {
    const doc = sampleDocument(c.locale, { lines: c.lines });
    const first = await renderDocumentPdf(doc);
    let n = 0;
    const start = process.hrtime.bigint();
    while (n < min || ms(start) < seconds * 1000) {
      await renderDocumentPdf(doc);
      n++;
    }
    const elapsed = ms(start);
    results[c.name] = { perSecond: (n * 1000) / elapsed, ms: elapsed / n, pages: pageCount(first), kb: first.length / 1024, rendered: n };
  }
  return { coldMs: cold, results };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { coldMs, results } = await pdfBench({ seconds: Number(process.env.PDF_BENCH_SECONDS ?? 3) });
  console.log(`\nInvoice PDF rendering, one core (Node ${process.version}, ${new Date().toISOString().slice(0, 10)})`);
  console.log(`first two PDFs in the process (font files read and parsed): ${coldMs.toFixed(0)} ms\n`);
  console.log('case'.padEnd(16), 'pages'.padStart(6), 'KB'.padStart(7), 'ms/PDF'.padStart(8), 'PDFs/s'.padStart(8), 'rendered'.padStart(9));
  for (const [name, r] of Object.entries(results)) {
    console.log(name.padEnd(16), String(r.pages).padStart(6), r.kb.toFixed(1).padStart(7), r.ms.toFixed(1).padStart(8), r.perSecond.toFixed(1).padStart(8), String(r.rendered).padStart(9));
  }
}
