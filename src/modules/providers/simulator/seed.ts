/**
 * The 'demo' seed: four partner tenants, one per cloud, with fixed credentials; 36 customers with
 * billing profiles in en-US, ru-RU (global), en-US (usgov), de-DE (germany) and zh-CN (china);
 * 1–6 subscriptions each (NCE and legacy Microsoft 365, Dynamics 365, Azure plans with Azure
 * subscriptions, add-ons), some suspended, one disabled, one renewing, one in an undocumented
 * status; two invoices per tenant with line items; a few service requests.
 *
 * Deterministic: a seeded PRNG (no Math.random); dates are placed around the clock's "now", so the
 * same instant gives the same data.
 */
import type { Cloud } from '../connector.js';
import { buildCustomer, buildInvoice, buildPartner, buildServiceRequest, buildSubscription, startOfDay, sumDecimals, type NewServiceRequest } from './build.js';
import { addTerm, DAY_MS, guidFrom, type SimCustomer, type SimPartner, type SimState, type SimSubscription } from './model.js';

export const DEMO_SEED = 0x5eed_2026;

/** Fixed demo credentials (shown by `partnerdesk simulator` and `sim.partners()`). */
export const DEMO_PARTNERS: {
  cloud: Cloud;
  tenantId: string;
  appId: string;
  secret: string;
  name: string;
  mpnId: string;
  resellers: { mpnId: string; name: string }[];
}[] = [
  {
    cloud: 'global',
    tenantId: '7a3f0c52-1b9e-4d6a-8f21-5c0e9b7d4a11',
    appId: 'c3e1a7b0-52d4-4f8e-9a61-0b2c3d4e5f01',
    secret: 'sim-global-2f7d9a41c0e8',
    name: 'Contoso Cloud Partners',
    mpnId: '5357564',
    resellers: [
      { mpnId: '4649221', name: 'Northwind Reseller LLC' },
      { mpnId: '4870137', name: 'Fabrikam IT Services' },
    ],
  },
  {
    cloud: 'usgov',
    tenantId: '2d8b6e14-9c3a-4f70-b5e2-8a1d0c7f3b22',
    appId: 'c3e1a7b0-52d4-4f8e-9a61-0b2c3d4e5f02',
    secret: 'sim-usgov-8b31e5f7a2d4',
    name: 'Contoso Government Solutions',
    mpnId: '6123450',
    resellers: [{ mpnId: '6234561', name: 'Liberty Federal IT' }],
  },
  {
    cloud: 'germany',
    tenantId: '5e1c9a73-4d2b-4b8f-a6c0-3f9e7d1b5c33',
    appId: 'c3e1a7b0-52d4-4f8e-9a61-0b2c3d4e5f03',
    secret: 'sim-germany-4c9e2b7f1a03',
    name: 'Contoso Deutschland GmbH',
    mpnId: '7012345',
    resellers: [{ mpnId: '7123456', name: 'Rheinland Systemhaus GmbH' }],
  },
  {
    cloud: 'china',
    tenantId: '9b4d2f86-7e1a-4c35-8d90-6a2c4e8f0d44',
    appId: 'c3e1a7b0-52d4-4f8e-9a61-0b2c3d4e5f04',
    secret: 'sim-china-6e0a3d9c5b17',
    name: '上海云桥信息技术有限公司',
    mpnId: '8012345',
    resellers: [{ mpnId: '8123456', name: '北京华信科技有限公司' }],
  },
];

interface LocaleData {
  culture: string;
  country: string;
  companies: [name: string, slug: string][];
  people: [first: string, last: string][];
  places: [city: string, region: string | null, postalCode: string][];
  street: (r: () => number) => string;
  mailbox: string[];
  mailDomain: string;
  phone: (r: () => number) => string;
}

const digits = (r: () => number, n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const LOCALES: Record<string, LocaleData> = {
  'en-US': {
    culture: 'en-US',
    country: 'US',
    companies: [
      ['Contoso Pharmaceuticals', 'contosopharma'],
      ['Fabrikam Residences', 'fabrikamres'],
      ['Northwind Traders', 'northwindtraders'],
      ['Adventure Works Cycles', 'adventureworks'],
      ['Tailspin Toys', 'tailspintoys'],
      ['Wide World Importers', 'wideworldimporters'],
      ['Litware Inc.', 'litware'],
      ['Proseware Inc.', 'proseware'],
      ['Woodgrove Bank', 'woodgrovebank'],
      ['Alpine Ski House', 'alpineskihouse'],
      ['Blue Yonder Airlines', 'blueyonderair'],
      ['Coho Winery', 'cohowinery'],
      ['Fourth Coffee', 'fourthcoffee'],
      ['Lamna Healthcare', 'lamnahealth'],
      ['Trey Research', 'treyresearch'],
      ['Relecloud', 'relecloud'],
    ],
    people: [
      ['Olivia', 'Johnson'],
      ['Liam', 'Miller'],
      ['Emma', 'Davis'],
      ['Noah', 'Garcia'],
      ['Ava', 'Wilson'],
      ['James', 'Anderson'],
      ['Sophia', 'Taylor'],
      ['Lucas', 'Moore'],
    ],
    places: [
      ['Seattle', 'WA', '98101'],
      ['Redmond', 'WA', '98052'],
      ['Austin', 'TX', '78701'],
      ['Denver', 'CO', '80202'],
      ['Boston', 'MA', '02108'],
      ['Chicago', 'IL', '60601'],
      ['Arlington', 'VA', '22201'],
    ],
    street: (r) => `${1 + Math.floor(r() * 998)} ${pick(r, ['Main St', 'Pine St', 'Oak Ave', 'Market St', 'Lake Blvd'])}`,
    mailbox: ['billing', 'accounts.payable', 'finance'],
    mailDomain: 'com',
    phone: (r) => `+1 425 555 ${digits(r, 4)}`,
  },
  'de-DE': {
    culture: 'de-DE',
    country: 'DE',
    companies: [
      ['Müller Maschinenbau GmbH', 'mueller-maschinenbau'],
      ['Schäfer & Söhne KG', 'schaefer-soehne'],
      ['Bäckerei Weiß GmbH', 'baeckerei-weiss'],
      ['Krüger Logistik AG', 'krueger-logistik'],
      ['Hoffmann Steuerberatung', 'hoffmann-steuer'],
      ['Grünwald Energie GmbH', 'gruenwald-energie'],
      ['Schneider Elektrotechnik GmbH', 'schneider-elektro'],
      ['Fischer Möbelwerk GmbH', 'fischer-moebel'],
      ['Becker Brauerei KG', 'becker-brauerei'],
    ],
    people: [
      ['Jürgen', 'Müller'],
      ['Katrin', 'Schmidt'],
      ['Stefan', 'Schneider'],
      ['Sabine', 'Fischer'],
      ['Lukas', 'Weber'],
      ['Anja', 'Wagner'],
      ['Matthias', 'Becker'],
      ['Julia', 'Hoffmann'],
    ],
    places: [
      ['München', 'BY', '80331'],
      ['Berlin', 'BE', '10115'],
      ['Hamburg', 'HH', '20095'],
      ['Köln', 'NW', '50667'],
      ['Frankfurt am Main', 'HE', '60311'],
      ['Stuttgart', 'BW', '70173'],
      ['Düsseldorf', 'NW', '40213'],
      ['Leipzig', 'SN', '04109'],
    ],
    street: (r) => `${pick(r, ['Hauptstraße', 'Bahnhofstraße', 'Gartenweg', 'Lindenallee', 'Schillerstraße'])} ${1 + Math.floor(r() * 119)}`,
    mailbox: ['buchhaltung', 'rechnungen', 'finanzen'],
    mailDomain: 'de',
    phone: (r) => `+49 89 ${digits(r, 7)}`,
  },
  'zh-CN': {
    culture: 'zh-CN',
    country: 'CN',
    companies: [
      ['北京云启科技有限公司', 'yunqi-tech'],
      ['上海海川贸易有限公司', 'haichuan-trade'],
      ['深圳星河电子有限公司', 'xinghe-elec'],
      ['杭州青松软件有限公司', 'qingsong-soft'],
      ['广州南方物流有限公司', 'nanfang-logistics'],
      ['成都天府数据有限公司', 'tianfu-data'],
      ['武汉长江制造有限公司', 'changjiang-mfg'],
      ['南京金陵医药有限公司', 'jinling-pharma'],
    ],
    people: [
      ['伟', '王'],
      ['芳', '李'],
      ['娜', '张'],
      ['敏', '刘'],
      ['静', '陈'],
      ['磊', '杨'],
      ['洋', '赵'],
      ['婷', '黄'],
    ],
    places: [
      ['北京市', '北京', '100000'],
      ['上海市', '上海', '200000'],
      ['深圳市', '广东', '518000'],
      ['杭州市', '浙江', '310000'],
      ['广州市', '广东', '510000'],
      ['成都市', '四川', '610000'],
      ['武汉市', '湖北', '430000'],
    ],
    street: (r) => `${pick(r, ['中关村大街', '南京西路', '深南大道', '文三路', '天河路'])}${1 + Math.floor(r() * 299)}号`,
    mailbox: ['caiwu', 'zhangdan', 'finance'],
    mailDomain: 'cn',
    phone: (r) => `+86 10 ${digits(r, 8)}`,
  },
  'ru-RU': {
    culture: 'ru-RU',
    country: 'RU',
    companies: [
      ['ООО «Северный ветер»', 'severny-veter'],
      ['АО «Балтийские системы»', 'baltsys'],
      ['ООО «Уральский металл»', 'uralmetall'],
      ['ООО «Волга-Логистик»', 'volga-logistic'],
      ['ЗАО «Сибирские технологии»', 'sibtech'],
      ['ООО «Невский проект»', 'nevsky-proekt'],
      ['ООО «Камская мануфактура»', 'kama-manufaktura'],
    ],
    people: [
      ['Алексей', 'Иванов'],
      ['Ольга', 'Смирнова'],
      ['Дмитрий', 'Кузнецов'],
      ['Наталья', 'Попова'],
      ['Сергей', 'Соколов'],
      ['Екатерина', 'Лебедева'],
      ['Иван', 'Новиков'],
      ['Мария', 'Морозова'],
    ],
    places: [
      ['Москва', 'Москва', '101000'],
      ['Санкт-Петербург', 'Санкт-Петербург', '190000'],
      ['Екатеринбург', 'Свердловская область', '620000'],
      ['Казань', 'Республика Татарстан', '420000'],
      ['Новосибирск', 'Новосибирская область', '630000'],
      ['Нижний Новгород', 'Нижегородская область', '603000'],
    ],
    street: (r) => `ул. ${pick(r, ['Ленина', 'Пушкина', 'Садовая', 'Мира', 'Гагарина'])}, д. ${1 + Math.floor(r() * 149)}`,
    mailbox: ['buh', 'schet', 'finance'],
    mailDomain: 'ru',
    phone: (r) => `+7 495 ${digits(r, 7)}`,
  },
};

/** Which customers each cloud gets: [culture, count]. 14 + 7 + 8 + 7 = 36. */
const MIX: Record<Cloud, [string, number][]> = {
  global: [
    ['en-US', 8],
    ['ru-RU', 6],
  ],
  usgov: [['en-US', 7]],
  germany: [['de-DE', 8]],
  china: [['zh-CN', 7]],
};

const TENANT_DOMAIN: Record<Cloud, string> = {
  global: 'onmicrosoft.com',
  usgov: 'onmicrosoft.us',
  germany: 'onmicrosoft.de',
  china: 'partner.onmschina.cn',
};

interface Product {
  key: string;
  name: string;
  offerId: string;
  commerce: 'nce' | 'legacy';
  /** monthly unit price per currency */
  price: Record<string, string>;
  addOnOf?: string[];
  azurePlan?: boolean;
  licenses?: [min: number, max: number];
}

const PRODUCTS: Product[] = [
  { key: 'm365e3', name: 'Microsoft 365 E3', offerId: 'CFQ7TTC0LFLZ:0001:CFQ7TTC0K5DJ', commerce: 'nce', price: { USD: '36.00', EUR: '33.70', CNY: '259.00' } },
  { key: 'm365e5', name: 'Microsoft 365 E5', offerId: 'CFQ7TTC0LFK5:0002:CFQ7TTC0JZ9N', commerce: 'nce', price: { USD: '57.00', EUR: '53.40', CNY: '410.00' } },
  { key: 'm365bp', name: 'Microsoft 365 Business Premium', offerId: 'CFQ7TTC0LCHC:0002:CFQ7TTC0KDJ4', commerce: 'nce', price: { USD: '22.00', EUR: '20.60', CNY: '158.00' } },
  {
    key: 'd365sales',
    name: 'Dynamics 365 Sales Enterprise',
    offerId: 'CFQ7TTC0LH1G:0001:CFQ7TTC0KJ0W',
    commerce: 'nce',
    price: { USD: '105.00', EUR: '98.30', CNY: '756.00' },
    licenses: [2, 40],
  },
  {
    key: 'd365bc',
    name: 'Dynamics 365 Business Central Essentials',
    offerId: 'CFQ7TTC0LH39:0001:CFQ7TTC0KHGV',
    commerce: 'nce',
    price: { USD: '80.00', EUR: '74.90', CNY: '576.00' },
    licenses: [2, 30],
  },
  { key: 'azure', name: 'Azure plan', offerId: 'DZH318Z0BPS6:0001:DZH318Z0BNR5', commerce: 'nce', price: { USD: '0', EUR: '0', CNY: '0' }, azurePlan: true },
  { key: 'o365e3', name: 'Office 365 E3', offerId: '796B6B5F-613C-4E24-A17C-EBA730D49C02', commerce: 'legacy', price: { USD: '23.00', EUR: '21.50', CNY: '165.00' } },
  { key: 'm365bpL', name: 'Microsoft 365 Business Premium', offerId: '031C9E47-4802-4248-838E-778FB1D2CC05', commerce: 'legacy', price: { USD: '20.00', EUR: '18.70', CNY: '144.00' } },
  { key: 'm365e3L', name: 'Microsoft 365 E3', offerId: '05E9A617-0261-4CEE-BB44-138D3EF5D965', commerce: 'legacy', price: { USD: '32.00', EUR: '30.00', CNY: '230.00' } },
  {
    key: 'teamsphone',
    name: 'Microsoft Teams Phone Standard',
    offerId: 'CFQ7TTC0J1FV:0001:CFQ7TTC0KGHB',
    commerce: 'nce',
    price: { USD: '10.00', EUR: '9.40', CNY: '72.00' },
    addOnOf: ['m365e3', 'm365e5', 'm365bp'],
  },
  {
    key: 'e5sec',
    name: 'Microsoft 365 E5 Security',
    offerId: 'CFQ7TTC0LFK8:0001:CFQ7TTC0KZ4Q',
    commerce: 'nce',
    price: { USD: '12.00', EUR: '11.20', CNY: '86.00' },
    addOnOf: ['m365e3'],
  },
  {
    key: 'storage',
    name: 'Office 365 Extra File Storage',
    offerId: 'B6B8B3A6-6A3E-4B07-A8E1-6F9A8D5C1E27',
    commerce: 'legacy',
    price: { USD: '0.20', EUR: '0.19', CNY: '1.40' },
    addOnOf: ['o365e3'],
  },
];

const product = (key: string) => PRODUCTS.find((p) => p.key === key)!;

function toMinor(v: string): bigint {
  const [i, f = ''] = v.split('.');
  return BigInt(i! + f.padEnd(2, '0').slice(0, 2));
}
function fromMinor(n: bigint): string {
  const neg = n < 0n;
  const s = (neg ? -n : n).toString().padStart(3, '0');
  return `${neg ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
}

export function seedDemo(state: SimState, rand: () => number, now: Date): void {
  const r = rand;
  const today = startOfDay(now);
  const usedCompanies = new Set<string>();
  let customerNo = 0;
  let subNo = 0;

  for (const def of DEMO_PARTNERS) {
    const partner = buildPartner(state, r, { ...def });
    const customers: SimCustomer[] = [];
    for (const [culture, count] of MIX[def.cloud]) {
      const loc = LOCALES[culture]!;
      for (let k = 0; k < count; k++) {
        const [companyName, slug] = loc.companies.find((c) => !usedCompanies.has(c[0]) && r() < 0.7) ?? loc.companies.find((c) => !usedCompanies.has(c[0]))!;
        usedCompanies.add(companyName);
        const [firstName, lastName] = pick(r, loc.people);
        const [city, region, postalCode] = pick(r, loc.places);
        customerNo++;
        const indirect = partner.resellers.length > 0 && r() < 0.35;
        customers.push(
          buildCustomer(state, r, partner.tenantId, {
            id: guidFrom(r),
            companyName,
            domain: `${slug.replace(/-/g, '')}.${TENANT_DOMAIN[def.cloud]}`,
            culture,
            language: culture.split('-')[0]!,
            email: `${pick(r, loc.mailbox)}@${slug}.${loc.mailDomain}`,
            firstName,
            lastName,
            phoneNumber: loc.phone(r),
            address: { country: loc.country, region, city, postalCode, addressLine1: loc.street(r) },
            resellerPartnerId: indirect ? pick(r, partner.resellers).mpnId : null,
            quirks: { orgPrefix: customerNo % 7 === 3, integerRelationship: customerNo % 5 === 2 },
          }),
        );
      }
    }
    for (const c of customers) seedSubscriptions(state, r, now, partner, c, () => ++subNo);
  }

  applyLifecycleStates(state, r, now);

  for (const partner of state.partners.values()) seedInvoices(state, r, now, partner);
  seedServiceRequests(state, r, today);
}

function seedSubscriptions(state: SimState, r: () => number, now: Date, partner: SimPartner, c: SimCustomer, next: () => number): void {
  const count = 1 + Math.floor(r() * 6);
  const chosen: SimSubscription[] = [];
  const taken = new Set<string>();
  const add = (p: Product, parent?: SimSubscription) => {
    taken.add(p.key);
    const n = next();
    const term = p.azurePlan ? null : parent ? parent.termDuration : p.commerce === 'legacy' ? 'P1Y' : r() < 0.6 ? 'P1Y' : 'P1M';
    const billingCycle = parent ? parent.billingCycle : term === 'P1Y' && p.commerce === 'nce' && r() < 0.3 ? 'annual' : 'monthly';
    const start = startOfDay(new Date(now.getTime() - (20 + Math.floor(r() * 700)) * DAY_MS)).toISOString();
    const [lo, hi] = p.licenses ?? [5, 250];
    let quantity = p.azurePlan ? 1 : lo + Math.floor(r() * r() * (hi - lo));
    if (parent) quantity = Math.max(1, Math.min(parent.quantity, Math.ceil(parent.quantity * (0.2 + r() * 0.8))));
    const entitlements = p.azurePlan
      ? Array.from({ length: 1 + Math.floor(r() * 3) }, (_, i) => ({ id: guidFrom(r), friendlyName: i === 0 ? 'Production' : i === 1 ? 'Development' : 'Sandbox', status: 'active' }))
      : undefined;
    const sub = buildSubscription(state, r, now, c.id, {
      id: guidFrom(r),
      offerId: p.offerId,
      offerName: p.name,
      friendlyName: parent ? p.name : `${p.name}${n % 4 === 0 ? ' (HQ)' : ''}`,
      commerce: p.commerce,
      quantity,
      termDuration: term,
      billingCycle,
      effectiveStartDate: parent ? parent.effectiveStartDate : start,
      ...(parent ? { parentSubscriptionId: parent.id, commitmentEndDate: parent.commitmentEndDate } : {}),
      azurePlan: p.azurePlan ?? false,
      ...(entitlements ? { azureEntitlements: entitlements } : {}),
      autoRenewEnabled: p.azurePlan ? false : r() > 0.15,
      unitPrice: p.price[partner.currency] ?? p.price.USD!,
      quirks: { pascalCase: p.commerce === 'legacy' && r() < 0.5, quantityAsString: r() < 0.2 },
    });
    chosen.push(sub);
    return sub;
  };

  const legacy = r() < 0.3;
  const base = add(legacy ? product(pick(r, ['o365e3', 'm365bpL', 'm365e3L'])) : product(pick(r, ['m365e3', 'm365e5', 'm365bp'])));
  const baseKey = PRODUCTS.find((p) => p.offerId === base.offerId)!.key;
  while (chosen.length < count) {
    const addOns = PRODUCTS.filter((p) => p.addOnOf?.includes(baseKey) && !taken.has(p.key));
    const others = ['d365sales', 'd365bc', 'azure', 'm365e5', 'm365bp'].map(product).filter((p) => !taken.has(p.key) && p.key !== baseKey);
    const options = [...addOns, ...addOns, ...others];
    if (options.length === 0) break;
    const p = pick(r, options);
    add(p, p.addOnOf ? base : undefined);
  }
}

/**
 * Per tenant: an NCE suspension (in the global tenant, one whose add-ons followed it, and a second
 * one) and a legacy suspension. In the global tenant also: one disabled NCE subscription, one inside
 * its renewal window, one in an undocumented status, and an Azure plan ready to be suspended.
 */
function applyLifecycleStates(state: SimState, r: () => number, now: Date): void {
  const used = new Set<string>();
  const choose = (xs: SimSubscription[], pred: (s: SimSubscription) => boolean = () => true): SimSubscription | undefined => {
    const candidates = xs.filter((s) => !used.has(s.id) && pred(s));
    const hit = candidates.length ? candidates[Math.floor(r() * candidates.length)] : undefined;
    if (hit) used.add(hit.id);
    return hit;
  };
  const suspend = (s: SimSubscription | undefined) => {
    if (!s) return;
    for (const x of [s, ...state.addOnsOf(s)]) {
      const before = x.autoRenewEnabled;
      x.status = 'suspended';
      x.suspensionReasons = ['PartnerInitiated'];
      if (x.commerce === 'nce') {
        x.autoRenewEnabled = false;
        x.partnerBilled = true;
      } else x.partnerBilled = false;
      if (x !== s) x.followedParent = { autoRenewEnabled: before };
      x.history.push({ at: now.toISOString(), change: 'suspended (demo)' });
    }
  };
  const all = [...state.subscriptions.values()];
  let renewing: SimSubscription | undefined;
  for (const partner of state.partners.values()) {
    const own = all.filter((s) => s.partnerTenantId === partner.tenantId);
    const bases = own.filter((s) => !s.parentSubscriptionId && !s.azurePlan);
    const nceBases = bases.filter((s) => s.commerce === 'nce');
    const legacyBases = bases.filter((s) => s.commerce === 'legacy');
    const global = partner.cloud === 'global';
    suspend(choose(nceBases, (s) => !global || state.addOnsOf(s).length > 0) ?? choose(nceBases));
    suspend(choose(legacyBases));
    if (!global) continue;
    suspend(choose(nceBases));
    // one NCE subscription left suspended past its term end: disabled
    const disabled = choose(nceBases, (s) => state.addOnsOf(s).length === 0);
    if (disabled) {
      disabled.status = 'disabled';
      disabled.autoRenewEnabled = false;
      disabled.partnerBilled = false;
      disabled.suspensionReasons = ['PartnerInitiated'];
      disabled.commitmentEndDate = new Date(startOfDay(now).getTime() - 5 * DAY_MS).toISOString();
      disabled.history.push({ at: now.toISOString(), change: 'suspended at term end: disabled (demo)' });
    }
    // one inside its renewal window (PATCH answers 409)
    renewing = choose(nceBases, (s) => s.status === 'active' && s.autoRenewEnabled && state.addOnsOf(s).length === 0);
    if (renewing) renewing.commitmentEndDate = new Date(now.getTime() + 10 * 3_600_000).toISOString();
    // one in a status the docs do not list
    const odd = choose(bases, (s) => s.status === 'active');
    if (odd) odd.status = 'transferring';
    // an Azure plan whose Azure subscriptions are all disabled (so it can be suspended)
    const plan = own.find((s) => s.azurePlan);
    if (plan) for (const e of plan.azureEntitlements) e.status = 'disabled';
  }
  // make sure no other subscription sits in its renewal window by chance
  for (const s of all) {
    if (s === renewing || !s.commitmentEndDate || s.parentSubscriptionId || s.status === 'disabled') continue;
    const left = new Date(s.commitmentEndDate).getTime() - now.getTime();
    if (left > 0 && left <= 2 * DAY_MS) {
      s.commitmentEndDate = addTerm(s.commitmentEndDate, s.termDuration);
      for (const a of state.addOnsOf(s)) a.commitmentEndDate = s.commitmentEndDate;
    }
  }
}

/** A 16-character billing-platform subscription id in the docs' style, derived from a guid. */
function billingPlatformId(guid: string): string {
  return Buffer.from(guid.replace(/-/g, '').slice(0, 24), 'hex').toString('base64').replace(/[+/=]/g, 'A').slice(0, 16);
}

function seedInvoices(state: SimState, r: () => number, now: Date, partner: SimPartner): void {
  const subs = [...state.subscriptions.values()].filter((s) => s.partnerTenantId === partner.tenantId);
  const periodStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const periodEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
  const vatPercent = partner.cloud === 'germany' ? 19n : 0n;
  const cur = partner.currency;
  const customer = (s: SimSubscription) => state.customers.get(s.customerId)!;
  const tax = (minor: bigint) => (minor * vatPercent + 50n) / 100n;
  const asNumber = (v: string) => Number(v);

  // Recurring invoice: legacy licences (office) and Azure consumption (azure)
  const recurringId = `G0${String(10_000_000 + Math.floor(r() * 89_999_999))}`;
  const office = subs
    .filter((s) => s.commerce === 'legacy' && s.status !== 'transferring')
    .map((s) => {
      const c = customer(s);
      const unit = toMinor(s.unitPrice);
      const amount = unit * BigInt(s.quantity);
      const t = tax(amount);
      return {
        partnerId: partner.tenantId,
        customerId: c.id,
        customerName: c.companyName,
        mpnId: Number(partner.mpnId),
        tier2MpnId: c.resellerPartnerId ? Number(c.resellerPartnerId) : -1,
        orderId: s.orderId,
        // license-based-recon-files.md: SubscriptionId is the billing platform's id ("usCBMgAAAAAAAAIA"),
        // SyndicationPartnerSubscriptionNumber is the Partner Center subscription id
        subscriptionId: billingPlatformId(guidFrom(r)),
        syndicationPartnerSubscriptionNumber: s.id,
        offerId: s.offerId,
        durableOfferId: s.offerId,
        offerName: s.offerName.toUpperCase(),
        domainName: c.domain,
        billingCycleType: 'MONTHLY',
        subscriptionName: s.offerName.toUpperCase(),
        subscriptionDescription: s.offerName.toUpperCase(),
        subscriptionStartDate: s.effectiveStartDate.slice(0, 19),
        subscriptionEndDate: (s.commitmentEndDate ?? periodEnd.toISOString()).slice(0, 19),
        chargeStartDate: periodStart.toISOString().slice(0, 19),
        chargeEndDate: periodEnd.toISOString().slice(0, 19),
        chargeType: 'Cycle fee',
        unitPrice: asNumber(s.unitPrice),
        quantity: s.quantity,
        amount: asNumber(fromMinor(amount)),
        totalOtherDiscount: 0,
        subtotal: asNumber(fromMinor(amount)),
        tax: asNumber(fromMinor(t)),
        totalForCustomer: asNumber(fromMinor(amount + t)),
        currency: cur,
        invoiceLineItemType: 'billing_line_items',
        billingProvider: 'office',
        attributes: { objectType: 'LicenseBasedLineItem' },
      } as Record<string, unknown>;
    });
  const azureBilling: Record<string, unknown>[] = [];
  const azureUsage: Record<string, unknown>[] = [];
  for (const s of subs.filter((x) => x.azurePlan)) {
    const c = customer(s);
    for (const e of s.azureEntitlements) {
      for (const [serviceName, serviceType, resourceName, unit, rate] of [
        ['Virtual Machines', 'D/DS Series Windows', 'D2 v3', '1 Hour', '0.192'],
        ['Storage', 'Standard Page Blob', 'LRS Data Stored', '1 GB/Month', '0.045'],
      ] as const) {
        const qty = (10 + Math.floor(r() * 740)).toString();
        const pretax = (BigInt(rate.replace('.', '')) * BigInt(qty) + 5n) / 10n; // rate in thousandths → cents, rounded
        const t = tax(pretax);
        // the fields Azure billing and usage line items share (the PRNG is not touched here)
        const common = {
          partnerId: partner.tenantId,
          partnerName: partner.name,
          partnerBillableAccountId: partner.mpnId,
          customerId: c.id,
          domainName: c.domain,
          customerCompanyName: c.companyName,
          mpnId: Number(partner.mpnId),
          tier2MpnId: c.resellerPartnerId ? Number(c.resellerPartnerId) : -1,
          invoiceNumber: recurringId,
          subscriptionId: e.id,
          subscriptionName: e.friendlyName,
          subscriptionDescription: 'Microsoft Azure',
          billingCycleType: 'Monthly',
          orderId: s.orderId,
          serviceName,
          serviceType,
        };
        azureBilling.push({
          detailLineItemId: azureBilling.length + 1,
          sku: '7UD-00001',
          includedQuantity: 0,
          overageQuantity: Number(qty),
          listPrice: Number(rate),
          currency: cur,
          pretaxCharges: asNumber(fromMinor(pretax)),
          taxAmount: asNumber(fromMinor(t)),
          postTaxTotal: asNumber(fromMinor(pretax + t)),
          pretaxEffectiveRate: Number(rate),
          postTaxEffectiveRate: Number(rate),
          chargeType: 'Assess usage fee for current cycle',
          invoiceLineItemType: 'billing_line_items',
          ...common,
          resourceGuid: guidFrom(r),
          resourceName,
          region: pick(r, ['', 'US West', 'EU West', 'China East']),
          consumedQuantity: Number(qty),
          chargeStartDate: periodStart.toISOString().slice(0, 19),
          chargeEndDate: periodEnd.toISOString().slice(0, 19),
          unit,
          billingProvider: 'azure',
          attributes: { objectType: 'UsageBasedLineItem' },
        });
        azureUsage.push({
          customerBillableAccount: partner.mpnId,
          usageDate: new Date(periodStart.getTime() + Math.floor(r() * 27) * DAY_MS).toISOString().slice(0, 19),
          invoiceLineItemType: 'usage_line_items',
          ...common,
          resourceGuid: guidFrom(r),
          resourceName,
          region: '',
          consumedQuantity: Number(qty),
          chargeStartDate: periodStart.toISOString().slice(0, 19),
          chargeEndDate: periodEnd.toISOString().slice(0, 19),
          unit,
          billingProvider: 'azure',
          attributes: { objectType: 'DailyUsageLineItem' },
        });
      }
    }
  }
  const recurringLines: Record<string, Record<string, unknown>[]> = {};
  if (office.length) recurringLines['office/billinglineitems'] = office;
  if (azureBilling.length) {
    recurringLines['azure/billinglineitems'] = azureBilling;
    recurringLines['azure/usagelineitems'] = azureUsage;
  }
  const recurringTotal = sumDecimals([...office.map((l) => String(l.totalForCustomer)), ...azureBilling.map((l) => String(l.postTaxTotal))]);
  buildInvoice(state, r, now, partner.tenantId, {
    id: recurringId,
    invoiceType: 'Recurring',
    invoiceDate: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 6)).toISOString(),
    billingPeriodStartDate: periodStart.toISOString(),
    billingPeriodEndDate: periodEnd.toISOString(),
    totalCharges: recurringTotal,
    paidAmount: '0',
    lineItems: recurringLines,
    quirks: { amountsAsStrings: partner.cloud === 'china' },
  });

  // OneTime invoice: new-commerce licences, amounts as strings (as in the NCE samples)
  const oneTimeId = `G0${String(10_000_000 + Math.floor(r() * 89_999_999))}`;
  const onetime = subs
    .filter((s) => s.commerce === 'nce' && !s.azurePlan && s.partnerBilled)
    .map((s) => {
      const c = customer(s);
      const [productId, skuId, availabilityId] = s.offerId.split(':');
      const annual = s.billingCycle === 'annual';
      const unit = toMinor(s.unitPrice) * (annual ? 12n : 1n);
      const subtotal = unit * BigInt(s.quantity);
      const t = tax(subtotal);
      const termText = `${s.termDuration === 'P1M' ? 'One-Month' : 'One-Year'} commitment for ${annual ? 'yearly' : 'monthly'} billing`;
      return {
        partnerId: partner.tenantId,
        customerId: r() < 0.2 ? `org:${c.id}` : c.id,
        customerName: c.companyName,
        customerDomainName: c.domain,
        customerCountry: c.address.country,
        invoiceNumber: oneTimeId,
        mpnId: partner.mpnId,
        resellerMpnId: c.resellerPartnerId ?? '0',
        orderId: s.orderId,
        orderDate: s.creationDate,
        productId,
        skuId,
        availabilityId,
        productName: s.offerName,
        skuName: s.offerName,
        productQualifiers: s.parentSubscriptionId ? ['AddOn'] : [],
        chargeType: 'cycleCharge',
        unitPrice: fromMinor(unit),
        effectiveUnitPrice: fromMinor(unit),
        unitType: '',
        quantity: String(s.quantity),
        subtotal: fromMinor(subtotal),
        taxTotal: fromMinor(t),
        totalForCustomer: fromMinor(subtotal + t),
        currency: cur,
        publisherName: 'Microsoft Corporation',
        publisherId: '',
        subscriptionDescription: s.friendlyName,
        subscriptionId: s.id,
        subscriptionStartDate: s.effectiveStartDate,
        subscriptionEndDate: s.commitmentEndDate ?? '',
        chargeStartDate: periodStart.toISOString(),
        chargeEndDate: periodEnd.toISOString(),
        termAndBillingCycle: termText,
        alternateId: s.orderId,
        referenceId: guidFrom(r),
        priceAdjustmentDescription: '',
        discountDetails: '',
        pricingCurrency: cur,
        pcToBCExchangeRate: '1',
        pcToBCExchangeRateDate: periodStart.toISOString().slice(0, 19),
        billableQuantity: String(s.quantity),
        meterDescription: '',
        billingFrequency: annual ? 'Annual' : 'Monthly',
        reservationOrderId: '',
        invoiceLineItemType: 'billing_line_items',
        billingProvider: 'one_time',
        promotionId: '',
        attributes: { objectType: 'OneTimeInvoiceLineItem' },
      } as Record<string, unknown>;
    });
  buildInvoice(state, r, now, partner.tenantId, {
    id: oneTimeId,
    invoiceType: 'OneTime',
    invoiceDate: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 8)).toISOString(),
    billingPeriodStartDate: periodStart.toISOString(),
    billingPeriodEndDate: periodEnd.toISOString(),
    totalCharges: sumDecimals(onetime.map((l) => String(l.totalForCustomer))),
    paidAmount: '0',
    lineItems: { 'onetime/billinglineitems': onetime },
    quirks: { amountsAsStrings: partner.cloud === 'china' },
  });
}

function seedServiceRequests(state: SimState, r: () => number, today: Date): void {
  const [global, usgov, germany] = DEMO_PARTNERS;
  const day = (n: number) => new Date(today.getTime() - n * DAY_MS + 9 * 3_600_000).toISOString();
  const firstCustomer = (tenantId: string, skip = 0) => state.customersOf(tenantId)[skip]?.id ?? null;
  const rows: { tenant: string; customer: string | null; sr: NewServiceRequest }[] = [
    {
      tenant: global!.tenantId,
      customer: firstCustomer(global!.tenantId),
      sr: {
        title: 'Cannot assign Microsoft 365 E3 licenses after renewal',
        description: 'After the annual renewal the admin center shows 0 available licenses although the subscription is active.',
        severity: 'moderate',
        status: 'open',
        productName: 'Microsoft 365 E3',
        createdDate: day(4),
        notes: [
          { text: 'Customer reports the issue for all 45 users since the renewal date.', createdByName: 'Contoso Cloud Partners', createdDate: day(4) },
          { text: 'We are looking into the license provisioning status.', createdByName: 'Microsoft Support', createdDate: day(3) },
        ],
      },
    },
    {
      tenant: global!.tenantId,
      customer: firstCustomer(global!.tenantId, 2),
      sr: {
        title: 'Duplicate charge for Teams Phone Standard on last invoice',
        severity: 'minimal',
        status: 'closed',
        productName: 'Microsoft Teams Phone Standard',
        createdDate: day(20),
        notes: [
          { text: 'The line appears twice for the same period.', createdByName: 'Contoso Cloud Partners', createdDate: day(20) },
          { text: 'A credit will appear on the next invoice.', createdByName: 'Microsoft Support', createdDate: day(15) },
        ],
      },
    },
    {
      tenant: global!.tenantId,
      customer: firstCustomer(global!.tenantId, 9),
      sr: {
        title: 'Unexpected Azure consumption spike',
        description: 'Consumption tripled overnight on the production Azure subscription; please check for fraudulent use.',
        severity: 'critical',
        status: 'attention_needed',
        productName: 'Azure plan',
        createdDate: day(1),
        notes: [{ text: 'Please confirm whether the customer created the new virtual machines.', createdByName: 'Microsoft Support', createdDate: day(0) }],
      },
    },
    {
      tenant: usgov!.tenantId,
      customer: firstCustomer(usgov!.tenantId),
      sr: { title: 'GCC tenant provisioning delayed', severity: 'moderate', status: 'open', createdDate: day(2) },
    },
    {
      tenant: germany!.tenantId,
      customer: firstCustomer(germany!.tenantId),
      sr: {
        title: 'Lizenzen für Microsoft 365 E3 werden nicht zugewiesen',
        description: 'Seit der Verlängerung können keine Lizenzen mehr zugewiesen werden.',
        severity: 'moderate',
        status: 'open',
        countryCode: 'DE',
        createdDate: day(6),
        notes: [{ text: 'Betroffen sind alle Benutzer des Mandanten.', createdByName: 'Contoso Deutschland GmbH', createdDate: day(6) }],
      },
    },
    {
      tenant: germany!.tenantId,
      customer: firstCustomer(germany!.tenantId, 3),
      sr: {
        title: 'Gutschrift nach Kündigung innerhalb von 7 Tagen',
        severity: 'minimal',
        status: 'closed',
        countryCode: 'DE',
        createdDate: day(30),
        notes: [{ text: 'Die Gutschrift wurde erstellt.', createdByName: 'Microsoft Support', createdDate: day(27) }],
      },
    },
  ];
  for (const row of rows) buildServiceRequest(state, r, today, row.tenant, { ...row.sr, customerId: row.customer });
}
