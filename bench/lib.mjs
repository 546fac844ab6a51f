/** Shared by the bench scripts: load the built server modules, print a comparison table. */
const dist = new URL('../dist/server/', import.meta.url);
export const load = (p) => import(new URL(p, dist).href);
export const TEST_DATABASE_URL = process.env.PARTNERDESK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** One row per measure, one column per store, and the ratio of the first two columns when both are numbers. */
export function printTable(title, results) {
  const names = Object.keys(results);
  const first = results[names[0]];
  const fmt = (v) => (v === undefined ? '-' : typeof v === 'number' ? (Number.isInteger(v) || Math.abs(v) >= 100 ? String(Math.round(v)) : v.toFixed(2)) : String(v));
  const width = Math.max(22, ...Object.keys(first).map((k) => k.length)) + 2;
  console.log(`\n${title} (Node ${process.version}, ${new Date().toISOString().slice(0, 10)})\n`);
  console.log('measure'.padEnd(width), ...names.map((n) => n.padStart(12)), names.length > 1 ? `${names[0]}/${names[1]}`.padStart(16) : '');
  for (const k of Object.keys(first)) {
    const vals = names.map((n) => results[n]?.[k]);
    const ratio = names.length > 1 && typeof vals[0] === 'number' && typeof vals[1] === 'number' && vals[1] !== 0 ? (vals[0] / vals[1]).toFixed(2) : '';
    console.log(k.padEnd(width), ...vals.map((v) => fmt(v).padStart(12)), ratio.padStart(16));
  }
}
