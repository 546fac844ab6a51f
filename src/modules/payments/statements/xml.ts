import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { StatementError } from './types.js';

/**
 * Reading ISO 20022 XML with fast-xml-parser: values stay strings (amounts are never numbers),
 * attributes are kept (Amt/@Ccy), namespace prefixes are dropped (banks write `<Document>` and
 * `<ns2:Document>` alike), and the elements that repeat are always arrays.
 */

const ARRAYS = new Set(['Stmt', 'Ntfctn', 'Ntry', 'NtryDtls', 'TxDtls', 'Bal', 'Ustrd', 'Strd']);

const parser = new XMLParser({
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ARRAYS.has(name),
});

export type XNode = Record<string, unknown>;

/** Name and namespace of the document element, read from the text (the parser drops xmlns attributes). */
export interface XmlRoot {
  name: string;
  namespace: string | null;
  line: number;
}

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

export function readXmlRoot(xml: string): XmlRoot {
  let i = 0;
  for (;;) {
    while (i < xml.length && /\s/.test(xml[i]!)) i++;
    if (xml.startsWith('<?', i)) i = skipTo(xml, i, '?>');
    else if (xml.startsWith('<!--', i)) i = skipTo(xml, i, '-->');
    else break;
  }
  // Bank files never carry a DTD; refusing one also keeps entity expansion out of reach.
  if (xml.startsWith('<!', i)) throw new StatementError('bank.bad_xml', { message: 'DOCTYPE and DTDs are not accepted' }, `line ${lineOf(xml, i)}`);
  const m = /^<(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)([^>]*)>/.exec(xml.slice(i));
  if (!m) throw new StatementError('bank.bad_xml', { message: 'no document element' }, `line ${lineOf(xml, i)}`);
  const prefix = m[1];
  const attr = new RegExp(`\\sxmlns${prefix ? `:${prefix.replace(/[.-]/g, '\\$&')}` : ''}\\s*=\\s*(["'])(.*?)\\1`).exec(m[3] ?? '');
  return { name: m[2]!, namespace: attr?.[2]?.trim() || null, line: lineOf(xml, i) };
}

function skipTo(text: string, from: number, end: string): number {
  const j = text.indexOf(end, from);
  if (j < 0) throw new StatementError('bank.bad_xml', { message: `unterminated ${text.slice(from, from + 4)}` }, `line ${lineOf(text, from)}`);
  return j + end.length;
}

/** Parse well-formed XML or throw bank.bad_xml with the parser's line and column. */
export function parseXml(xml: string): XNode {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new StatementError('bank.bad_xml', { message: valid.err.msg }, `line ${valid.err.line}, column ${valid.err.col}`);
  return parser.parse(xml) as XNode;
}

const isNode = (v: unknown): v is XNode => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The child at a path; arrays on the way are entered at their first element. */
export function one(node: unknown, ...path: string[]): unknown {
  let cur: unknown = node;
  for (const name of path) {
    if (Array.isArray(cur)) cur = cur[0];
    if (!isNode(cur)) return undefined;
    cur = cur[name];
  }
  return Array.isArray(cur) ? cur[0] : cur;
}

/** All children of that name (a repeated element, or one that the parser did not make an array). */
export function all(node: unknown, name: string): unknown[] {
  const v = isNode(node) ? node[name] : undefined;
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

/** The trimmed text at a path, or null when absent or empty. */
export function text(node: unknown, ...path: string[]): string | null {
  const v = one(node, ...path);
  const t = typeof v === 'string' ? v : isNode(v) && typeof v['#text'] === 'string' ? v['#text'] : null;
  const trimmed = t?.trim();
  return trimmed ? trimmed : null;
}

/** The texts of all children of that name (e.g. every Ustrd line), empty ones left out. */
export function texts(node: unknown, name: string): string[] {
  return all(node, name)
    .map((v) => text({ v }, 'v'))
    .filter((t): t is string => t !== null);
}

export function attr(node: unknown, name: string): string | null {
  const v = isNode(node) ? node[`@_${name}`] : undefined;
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

export function childNames(node: unknown): string[] {
  return isNode(node) ? Object.keys(node).filter((k) => !k.startsWith('@_') && k !== '#text') : [];
}
