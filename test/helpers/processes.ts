import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ROOT } from '../../src/paths.js';
import { TEST_DATABASE_URL, testStoreKind } from './env.js';
import { TEST_SECRET_KEY, testSchema } from './store.js';

const BIN = join(ROOT, 'bin', 'partnerdesk.js');

/**
 * Environment for a `partnerdesk` child process on this leg's store: a fresh data directory
 * (PGlite) or a fresh schema (PostgreSQL). `cleanup` removes it.
 */
export function storeEnv(): { env: Record<string, string>; dataDir: string; cleanup(): Promise<void> } {
  const dataDir = mkdtempSync(join(tmpdir(), 'pd-cli-'));
  if (testStoreKind() === 'postgres') {
    const schema = testSchema();
    return {
      // a server store needs the secret key from the environment (the embedded one makes a key file)
      env: { DATABASE_URL: TEST_DATABASE_URL, PARTNERDESK_DB_SCHEMA: schema, PARTNERDESK_DATA_DIR: dataDir, PARTNERDESK_SECRET_KEY: TEST_SECRET_KEY },
      dataDir,
      async cleanup() {
        const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.query(`DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE`);
        await c.end();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  return { env: { PARTNERDESK_DATA_DIR: join(dataDir, 'data') }, dataDir, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** This process's environment without the desk's own settings, plus `env`. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('PARTNERDESK_') && k !== 'DATABASE_URL' && k !== 'PORT') base[k] = v;
  }
  return { ...base, PARTNERDESK_LOG_LEVEL: 'warn', ...env };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: () => Record<string, unknown>;
}

/** Run `partnerdesk …` to completion. */
export function runCli(args: string[], env: Record<string, string>, input?: string): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: childEnv(env), encoding: 'utf8', cwd: ROOT, input, timeout: 120_000 });
  return {
    code: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    json: () => JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>,
  };
}

/** Like runCli, without blocking this process (needed when the CLI talks to a server running in the test). */
export function runCliAsync(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: childEnv(env), cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 120_000);
    p.once('error', reject);
    p.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, json: () => JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown> });
    });
  });
}

export interface Served {
  url: string;
  proc: ChildProcess;
  output: () => string;
  /** Send a signal and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Start `partnerdesk serve` on a free port and wait until it says it is running. */
export async function startServe(env: Record<string, string>, timeoutMs = 90_000): Promise<Served> {
  const proc = spawn(process.execPath, [BIN, 'serve'], { env: childEnv({ PORT: '0', ...env }), cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      const m = /(http:\/\/localhost:\d+)/.exec(out);
      if (m && /Ctrl\+C|Strg\+C|Ctrl\+C/.test(out)) {
        clearTimeout(timer);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    proc.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    proc,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill(signal);
      return exited;
    },
  };
}
