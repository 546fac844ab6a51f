import { crc32, deflateSync } from 'node:zlib';
import { currencyExponent } from '../../core/currencies.js';
import type { Locale } from '../../core/i18n.js';
import { divRound, parseDecimal, pow10, type Scaled } from '../../core/money.js';
import type { DocumentLineGroup, InvoiceDocument, TaxTreatment } from './document.js';

/**
 * Realistic sample documents (tests, the PDF benchmark, previews): a Munich partner invoicing a
 * customer per locale — de: German customer, 19 % VAT, EUR; en: Dutch customer, reverse charge,
 * EUR; zh-CN: Beijing customer, export, CNY; ru: Moscow customer, export, RUB. Amounts are
 * computed exactly (quantity × unit price, half up), so totals always add up.
 */
export interface SampleOptions {
  /** number of invoice lines (default 8: one page); ~22 lines fill a page */
  lines?: number;
  kind?: 'invoice' | 'credit_note';
  logo?: boolean;
}

const PRODUCTS: { title: string; titleZh: string; sku: string; price: string }[] = [
  { title: 'Microsoft 365 Business Premium', titleZh: 'Microsoft 365 商业高级版', sku: 'CFQ7TTC0LCHC:0002', price: '20.60' },
  { title: 'Microsoft 365 E5', titleZh: 'Microsoft 365 E5', sku: 'CFQ7TTC0LFK5:0001', price: '54.750000' },
  { title: 'Azure plan', titleZh: 'Azure 计划', sku: 'DZH318Z0BPS6:0001', price: '0.018400' },
  { title: 'Microsoft Defender for Endpoint P2', titleZh: 'Microsoft Defender for Endpoint P2', sku: 'CFQ7TTC0LGTX:0001', price: '5.20' },
  { title: 'Managed service: support plan Gold', titleZh: '托管服务：金牌支持计划', sku: 'PD-SUPPORT-GOLD', price: '450' },
];

const CUSTOMERS: Record<Locale, { name: string; contact: string; address: string[]; taxId: string | null; currency: string; rate: string; treatment: TaxTreatment; fx: bigint }> = {
  de: { name: 'Müller & Söhne Maschinenbau KG', contact: 'Frau Jördis Weiß', address: ['Königsallee 12', '40212 Düsseldorf', 'Deutschland'], taxId: 'DE811234567', currency: 'EUR', rate: '19', treatment: 'standard', fx: 1n },
  en: { name: 'Fabrikam Logistics B.V.', contact: 'Attn. Accounts Payable', address: ['Keizersgracht 221', '1016 DV Amsterdam', 'Netherlands'], taxId: 'NL859876543B01', currency: 'EUR', rate: '0', treatment: 'reverse_charge', fx: 1n },
  'zh-CN': { name: '北京星辰科技有限公司', contact: '财务部 王芳', address: ['北京市朝阳区建国路 88 号', 'SOHO 现代城 B 座 1203 室', '中国 100022'], taxId: '91110105MA01ABCD2X', currency: 'CNY', rate: '0', treatment: 'zero_rated', fx: 8n },
  ru: { name: 'ООО «Ромашка Софт»', contact: 'Бухгалтерия, Ёлкина А. В.', address: ['ул. Тверская, д. 7, офис 512', '125009 Москва', 'Россия'], taxId: '7701234567', currency: 'RUB', rate: '0', treatment: 'zero_rated', fx: 95n },
};

/** A 160 × 48 PNG word mark (solid accent bar and a lighter square), made here so no asset file is needed. */
export function sampleLogoPng(): Buffer {
  const w = 160;
  const h = 48;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      const inSquare = x < 48;
      const inBar = x >= 56 && y >= 18 && y < 30;
      const [r, g, b] = inSquare ? [0x1f, 0x3a, 0x5f] : inBar ? [0x5b, 0x8d, 0xc9] : [0xff, 0xff, 0xff];
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** quantity × unit price in minor units of `currency`, half up. */
function lineAmount(quantity: string, price: Scaled, currency: string): bigint {
  const q = parseDecimal(quantity);
  const exp = currencyExponent(currency);
  // q.value × 10^-q.scale × price.value × 10^-price.scale × 10^exp
  const num = q.value * price.value * pow10(exp);
  return divRound(num, pow10(q.scale + price.scale), 'half_up');
}

export function sampleDocument(locale: Locale, opts: SampleOptions = {}): InvoiceDocument {
  const cust = CUSTOMERS[locale];
  const kind = opts.kind ?? 'invoice';
  const count = opts.lines ?? 8;
  const groups: DocumentLineGroup[] = [];
  for (let i = 0; i < count; i++) {
    // a group per subscription: up to 4 lines each (monthly licences, mid-month additions)
    const gi = Math.floor(i / 4);
    const p = PRODUCTS[gi % PRODUCTS.length]!;
    const key = `${p.sku}#${gi}`;
    let g = groups.find((x) => x.subtitle?.endsWith(key));
    const title = locale === 'zh-CN' ? p.titleZh : p.title;
    if (!g) {
      g = { title, subtitle: `${locale === 'zh-CN' ? '订阅' : 'Subscription'} 4f9a2c1e-${String(1000 + groups.length)} · ${key}`, lines: [] };
      groups.push(g);
    }
    const base = parseDecimal(p.price);
    const unitPrice: Scaled = { value: base.value * cust.fx, scale: base.scale };
    const prorated = i % 4 === 1;
    const quantity = p.sku.startsWith('DZH') ? `${1200 + i * 37}.5` : String(5 + ((i * 7) % 40));
    let amount = lineAmount(quantity, unitPrice, cust.currency);
    if (prorated) amount = divRound(amount * 12n, 31n, 'half_up');
    const description =
      locale === 'zh-CN'
        ? prorated ? '月中新增许可证' : '月度许可证'
        : locale === 'ru'
          ? prorated ? 'Лицензии, добавленные в середине месяца' : 'Ежемесячные лицензии'
          : locale === 'de'
            ? prorated ? 'Lizenzen, im Monat hinzugefügt' : 'Monatliche Lizenzen'
            : prorated ? 'Licences added mid-month' : 'Monthly licences';
    g.lines.push({
      description,
      period: prorated ? { start: '2026-10-20', end: '2026-10-31' } : { start: '2026-10-01', end: '2026-10-31' },
      quantity,
      unitPrice,
      amount,
      proration: prorated ? { days: 12, of: 31 } : null,
    });
  }
  const net = groups.reduce((s, g) => s + g.lines.reduce((t, l) => t + l.amount, 0n), 0n);
  const rate = parseDecimal(cust.rate);
  const tax = divRound(net * rate.value, 100n * pow10(rate.scale), 'half_up');
  const number = kind === 'invoice' ? 'INV-2026-000123' : 'CN-2026-000007';
  return {
    kind,
    number,
    issueDate: '2026-11-03',
    dueDate: kind === 'invoice' ? '2026-11-17' : null,
    servicePeriod: { start: '2026-10-01', end: '2026-10-31' },
    locale,
    currency: cust.currency,
    issuer: {
      name: 'Nordlicht Cloud Solutions GmbH',
      addressLines: ['Leopoldstraße 244', '80807 München', 'Deutschland'],
      taxId: 'DE298765432',
      email: 'billing@nordlicht-cloud.example',
      phone: '+49 89 1234 5670',
      website: 'nordlicht-cloud.example',
      logo: opts.logo === false ? null : sampleLogoPng(),
      legalLines: ['Amtsgericht München HRB 234567 · Geschäftsführer: Lena Albers, Tomás Ferreira'],
    },
    customer: { name: cust.name, contactName: cust.contact, addressLines: cust.address, taxId: cust.taxId, customerNumber: 'C-10442' },
    groups,
    tax: { treatment: cust.treatment, lines: [{ rate: cust.rate, net, tax }] },
    totals: { net, tax, gross: net + tax },
    payment:
      kind === 'invoice'
        ? { accountHolder: 'Nordlicht Cloud Solutions GmbH', bankName: 'Stadtsparkasse München', iban: 'DE02 7015 0000 1234 5678 90', bic: 'SSKMDEMMXXX', reference: number }
        : null,
    collectionsPolicy: { url: `https://nordlicht-cloud.example/policies/collections?lang=${locale}` },
    credits: kind === 'credit_note' ? { number: 'INV-2026-000098', issueDate: '2026-10-02' } : null,
    reason: kind === 'credit_note' ? (locale === 'de' ? 'Lizenzen zum 1. Oktober gekündigt' : 'Licences cancelled as of 1 October') : null,
    notes: [],
  };
}
