import type { I18n, MessageParams } from '../../core/i18n.js';
import { loadI18n } from '../../locales.js';
import { documentProblems, type InvoiceDocument } from './document.js';
import { sampleDocument } from './document-sample.js';
import { primaryFamily } from './pdf-fonts.js';
import { Canvas } from './pdf-layout.js';
import { Renderer } from './pdf-sections.js';

export interface RenderDeps {
  /** the message catalogs (default: the ones in locales/, read once per process) */
  i18n?: I18n;
}

/** The document cannot be printed as given (totals that do not add up, a bad day…). */
export class DocumentError extends Error {
  constructor(readonly problems: string[]) {
    super(`invoice document is not consistent: ${problems.join('; ')}`);
    this.name = 'DocumentError';
  }
}

/**
 * Render an invoice or credit note as an A4 PDF in the document's locale. Output is
 * deterministic: the same document gives the same bytes (the PDF's dates come from the document).
 */
export async function renderDocumentPdf(doc: InvoiceDocument, deps: RenderDeps = {}): Promise<Buffer> {
  const problems = documentProblems(doc);
  if (problems.length) throw new DocumentError(problems);
  const f = (deps.i18n ?? loadI18n()).formatter(doc.locale);
  const t = (key: string, params?: MessageParams) => f.t(`invoice_pdf.${key}`, params);
  const title = t(`title.${doc.kind}`);
  const c = new Canvas(primaryFamily(doc.locale), {
    title: `${title} ${doc.number}`,
    author: doc.issuer.name,
    subject: `${title} ${doc.number} – ${doc.customer.name}`,
    created: new Date(doc.createdAt ?? `${doc.issueDate}T00:00:00Z`),
    lang: doc.locale,
  });
  const r = new Renderer(c, doc, t);
  r.header();
  r.table();
  r.summary();
  r.closing();
  r.footers();
  return c.finish();
}

/**
 * Render two small documents (Latin and Chinese fonts) so the first real PDF does not pay for
 * reading and parsing the fonts and for unoptimized code (~1–2 s on a busy 2-core machine).
 * Call it when a worker or the server starts, without awaiting it on the request path.
 */
export async function warmUpPdfRenderer(deps: RenderDeps = {}): Promise<void> {
  await renderDocumentPdf(sampleDocument('de', { lines: 2, logo: false }), deps);
  await renderDocumentPdf(sampleDocument('zh-CN', { lines: 2, logo: false }), deps);
}
