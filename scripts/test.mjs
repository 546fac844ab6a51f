#!/usr/bin/env node
/**
 * `npm test`: build, type-check the tests and the web app, then run the whole suite twice — on the embedded
 * store (PGlite) and on a PostgreSQL server (PARTNERDESK_TEST_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test). The second leg is skipped, with a message, only
 * when no server answers. The last line adds both legs up: `N passed, N failed, N skipped`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const extra = process.argv.slice(2); // e.g. a file filter: npm test -- src/core
const url = process.env.PARTNERDESK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const only = process.env.PARTNERDESK_TEST_STORE; // run one leg only when set
const run = (cmd, args, env = {}) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

if (run('node', ['scripts/build.mjs']) !== 0) process.exit(1);
if (run('node_modules/.bin/tsc', ['-p', 'tsconfig.test.json']) !== 0 || run('node_modules/.bin/tsc', ['-p', 'web/tsconfig.json']) !== 0) {
  console.log('\n0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

async function serverAnswers() {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch (e) {
    console.log(`\npostgres leg skipped: no PostgreSQL server answers at ${url.replace(/:[^:@/]*@/, ':***@')} (${e.code ?? e.message}).`);
    console.log('Start one, or set PARTNERDESK_TEST_DATABASE_URL.');
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'pd-summary-'));
const runId = `r${Date.now().toString(36)}`;
const totals = { passed: 0, failed: 0, skipped: 0 };
let status = 0;
for (const leg of ['pglite', 'postgres']) {
  if (only && only !== leg) continue;
  if (leg === 'postgres' && !(await serverAnswers())) continue;
  console.log(`\n=== ${leg} leg ===`);
  const summary = join(tmp, `${leg}.json`);
  const code = run('node_modules/.bin/vitest', ['run', ...extra], {
    PARTNERDESK_TEST_STORE: leg,
    PARTNERDESK_TEST_DATABASE_URL: url,
    PARTNERDESK_TEST_RUN: `${runId}${leg[0]}`,
    PARTNERDESK_TEST_SUMMARY: summary,
  });
  try {
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    totals.passed += s.passed;
    totals.failed += s.failed;
    totals.skipped += s.skipped;
  } catch {
    totals.failed += 1; // the runner died before reporting
  }
  if (code !== 0) status = code;
}
rmSync(tmp, { recursive: true, force: true });
if (totals.failed > 0 && status === 0) status = 1;
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(status);
