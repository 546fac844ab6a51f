import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import type { Locale } from '../../core/i18n.js';

/**
 * The fonts embedded in invoice PDFs (subset, CID TrueType): Noto Sans for Latin and Cyrillic
 * (it has ₽), Noto Sans SC for Chinese (it covers Latin and Cyrillic too, but not ₽). A locale
 * picks the primary family (SC for zh-CN, so Latin digits and CJK share one baseline); any text
 * the primary family cannot draw falls back to the other one, per string or, for the rare string
 * that needs both (a Chinese name next to ₽), per run of characters.
 *
 * The TTF files are parsed once per process and shared by every document (pdfkit accepts a
 * fontkit font object); each document still embeds its own subset.
 */
export type FontFamily = 'latin' | 'cjk';
export type FontWeight = 'regular' | 'bold';
export type FontName = `${FontFamily}-${FontWeight}`;

const FILES: Record<FontName, string> = {
  'latin-regular': '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  'latin-bold': '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
  'cjk-regular': '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  'cjk-bold': '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
};
export const FONT_NAMES = Object.keys(FILES) as FontName[];

const require = createRequire(import.meta.url);
let loaded: Record<FontName, fontkit.Font> | undefined;

/** The four fonts, read and parsed on first use. */
export function invoiceFonts(): Record<FontName, fontkit.Font> {
  if (!loaded) {
    const out = {} as Record<FontName, fontkit.Font>;
    for (const name of FONT_NAMES) {
      const file = require.resolve(FILES[name]);
      const font = fontkit.create(readFileSync(file));
      if (!('hasGlyphForCodePoint' in font)) throw new Error(`${file} is a font collection, expected one font`);
      seedGlyphs(font);
      out[name] = font;
    }
    loaded = out;
  }
  return loaded;
}

/**
 * fontkit caches a glyph object per glyph id with the characters of its first lookup, and pdfkit
 * writes those characters into the PDF's ToUnicode map. A subset that embeds a composite glyph
 * ("Ä") looks its components ("A") up without characters; in a font shared by every document
 * that left "A" unmapped for the rest of the process, so copied or extracted text lost it
 * ("lter" for "Alter"). Looking every character up once, at load, gives each glyph its characters.
 */
function seedGlyphs(font: fontkit.Font): void {
  // where characters share a glyph, the usual one names it: compatibility forms (ﬀ, NBSP, Kangxi
  // radicals, compatibility ideographs) are left out, and CJK ideographs go before radicals
  const han = (cp: number) => (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf);
  const chars = font.characterSet.filter((cp) => {
    const ch = String.fromCodePoint(cp);
    return ch.normalize('NFKC') === ch;
  });
  for (const cp of [...chars.filter(han), ...chars.filter((cp) => !han(cp))]) font.glyphForCodePoint(cp);
}

export function primaryFamily(locale: Locale): FontFamily {
  return locale === 'zh-CN' ? 'cjk' : 'latin';
}

export interface TextRun {
  text: string;
  family: FontFamily;
}

/** Characters every font "has" for our purposes: line breaks and tabs are not drawn. */
const IGNORED = new Set([0x0a, 0x0d, 0x09]);

function covers(font: fontkit.Font, cp: number): boolean {
  return IGNORED.has(cp) || font.hasGlyphForCodePoint(cp);
}

/**
 * Split text into runs of one family: the primary family where it has the glyph, the other one
 * where only that one has it. A character neither has stays with the run it is in.
 */
export function splitRuns(text: string, primary: FontFamily): TextRun[] {
  const fonts = invoiceFonts();
  const other: FontFamily = primary === 'latin' ? 'cjk' : 'latin';
  const p = fonts[`${primary}-regular`];
  const o = fonts[`${other}-regular`];
  // the common case: one family draws the whole string
  let all = true;
  for (const ch of text) {
    if (!covers(p, ch.codePointAt(0)!)) {
      all = false;
      break;
    }
  }
  if (all) return [{ text, family: primary }];
  let allOther = true;
  for (const ch of text) {
    if (!covers(o, ch.codePointAt(0)!)) {
      allOther = false;
      break;
    }
  }
  if (allOther) return [{ text, family: other }];
  const runs: TextRun[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const family = covers(p, cp) || !covers(o, cp) ? (runs.length && !/\S/u.test(ch) ? runs[runs.length - 1]!.family : primary) : other;
    const last = runs[runs.length - 1];
    if (last && last.family === family) last.text += ch;
    else runs.push({ text: ch, family });
  }
  return runs;
}
