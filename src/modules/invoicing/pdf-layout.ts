import PDFDocument from 'pdfkit';
import { FONT_NAMES, invoiceFonts, splitRuns, type FontFamily, type FontName, type FontWeight } from './pdf-fonts.js';

/**
 * A thin layer over pdfkit for the invoice layout: A4 pages, text in the right font per run,
 * measured heights, and explicit page breaks (the body never lets pdfkit break on its own: the
 * caller asks `fits`/`ensure` first and redraws the table header on the new page).
 */
export const PAGE = { width: 595.28, height: 841.89, left: 50, right: 50, top: 48, bottom: 72 } as const;
export const CONTENT_WIDTH = PAGE.width - PAGE.left - PAGE.right;
export const COLORS = { text: '#1a1a1a', muted: '#666666', rule: '#c8c8c8', headFill: '#eef1f5', accent: '#1f3a5f' } as const;

export interface TextStyle {
  size?: number;
  weight?: FontWeight;
  color?: string;
  align?: 'left' | 'right' | 'center';
  /** wrap inside this width (default: to the right margin) */
  width?: number;
}

export class Canvas {
  readonly doc: PDFKit.PDFDocument;
  y: number = PAGE.top;
  /** called after a page break, to draw what continues (running header, table header) */
  onNewPage: (() => void) | undefined;

  constructor(
    readonly primary: FontFamily,
    info: { title: string; author: string; subject: string; created: Date; lang: string },
  ) {
    this.doc = new PDFDocument({
      size: 'A4',
      margins: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right },
      bufferPages: true,
      compress: true,
      info: { Title: info.title, Author: info.author, Subject: info.subject, Creator: 'Partnerdesk', Producer: 'Partnerdesk (PDFKit)', CreationDate: info.created, ModDate: info.created },
      lang: info.lang,
      displayTitle: true,
    });
    const fonts = invoiceFonts();
    // pdfkit 0.20 takes a fontkit font object as a source: parsed once per process, subset per document
    for (const name of FONT_NAMES) this.doc.registerFont(name, fonts[name] as unknown as Buffer);
  }

  get bottom(): number {
    return PAGE.height - PAGE.bottom;
  }

  private use(family: FontFamily, weight: FontWeight, size: number): void {
    this.doc.font(`${family}-${weight}` satisfies FontName).fontSize(size);
  }

  /** Height of text wrapped to `width` in this style. */
  measure(text: string, style: TextStyle = {}): number {
    if (!text) return 0;
    const runs = splitRuns(text, this.primary);
    const family = runs.some((r) => r.family === 'cjk') ? 'cjk' : 'latin';
    this.use(family, style.weight ?? 'regular', style.size ?? 9);
    return this.doc.heightOfString(text, { width: style.width ?? CONTENT_WIDTH, lineGap: 0 });
  }

  /** Width of a single line of text in this style. */
  widthOf(text: string, style: TextStyle = {}): number {
    let w = 0;
    for (const run of splitRuns(text, this.primary)) {
      this.use(run.family, style.weight ?? 'regular', style.size ?? 9);
      w += this.doc.widthOfString(run.text);
    }
    return w;
  }

  /** Draw text at (x, y); returns its height. Does not move `this.y`. */
  text(text: string, x: number, y: number, style: TextStyle = {}): number {
    if (!text) return 0;
    const width = style.width ?? PAGE.width - PAGE.right - x;
    const height = this.measure(text, { ...style, width });
    const runs = splitRuns(text, this.primary);
    this.doc.fillColor(style.color ?? COLORS.text);
    runs.forEach((run, i) => {
      this.use(run.family, style.weight ?? 'regular', style.size ?? 9);
      const opts = { width, align: style.align ?? 'left', lineGap: 0, continued: i < runs.length - 1 } as const;
      if (i === 0) this.doc.text(run.text, x, y, opts);
      else this.doc.text(run.text, opts);
    });
    return height;
  }

  /** Draw text at the cursor, full width or `style.width` from `x`, and move the cursor below it. */
  para(text: string, style: TextStyle = {}, x: number = PAGE.left, gapAfter = 4): void {
    const width = style.width ?? PAGE.width - PAGE.right - x;
    this.ensure(this.measure(text, { ...style, width }));
    this.y += this.text(text, x, this.y, { ...style, width }) + gapAfter;
  }

  rule(y: number, x1: number = PAGE.left, x2: number = PAGE.width - PAGE.right, color: string = COLORS.rule, width = 0.6): void {
    this.doc.save().moveTo(x1, y).lineTo(x2, y).lineWidth(width).strokeColor(color).stroke().restore();
  }

  fill(x: number, y: number, w: number, h: number, color: string): void {
    this.doc.save().rect(x, y, w, h).fill(color).restore();
  }

  fits(height: number): boolean {
    return this.y + height <= this.bottom;
  }

  /** Break the page unless `height` fits below the cursor. Returns true when it broke. */
  ensure(height: number): boolean {
    if (this.fits(height)) return false;
    this.newPage();
    return true;
  }

  newPage(): void {
    this.doc.addPage();
    this.y = PAGE.top;
    this.onNewPage?.();
  }

  /** Draw on every page after layout (footers): bottom margin lifted so pdfkit never adds a page. */
  eachPage(draw: (index: number, count: number) => void): void {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      const margin = this.doc.page.margins.bottom;
      this.doc.page.margins.bottom = 0;
      draw(i - range.start, range.count);
      this.doc.page.margins.bottom = margin;
    }
  }

  /** Finish the document and collect its bytes. */
  finish(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      this.doc.on('data', (c: Buffer) => chunks.push(c));
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
      this.doc.end();
    });
  }
}
