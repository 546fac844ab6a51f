import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDirLock, LOCK_FILE, readLock } from './lock.js';

describe('data directory lock', () => {
  it('refuses a second owner while the first lives, naming who holds it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-lock-'));
    const lock = acquireDirLock(dir, 'serve');
    lock.update({ url: 'http://localhost:3000' });
    // another process: simulate by writing a lock for a live pid that is not ours (our parent)
    lock.release();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, command: 'serve', url: 'http://localhost:3000', since: '' }));
    expect(() => acquireDirLock(dir, 'migrate')).toThrow(expect.objectContaining({ code: 'store.locked', params: expect.objectContaining({ pid: process.ppid, url: 'http://localhost:3000' }) }));
  });

  it('takes over a lock left by a dead process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-lock-'));
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, command: 'serve', since: '' }));
    const lock = acquireDirLock(dir, 'backup');
    expect(readLock(dir)?.pid).toBe(process.pid);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
