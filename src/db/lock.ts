import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync, renameSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../core/errors.js';

/**
 * The embedded store has one owner. PGlite has no directory lock of its own and two processes
 * on one data directory corrupt it, so the owner keeps `partnerdesk.lock` (pid, command, URL)
 * beside the database. Creation is atomic (link(2) fails when the file exists); a lock left by
 * a dead process is taken over.
 */
export interface LockInfo {
  pid: number;
  /** A pid means nothing on another host (or in another container sharing the volume). */
  host?: string;
  command: string;
  url?: string;
  since: string;
}

export interface DirLock {
  readonly path: string;
  update(info: Partial<LockInfo>): void;
  release(): void;
}

export const LOCK_FILE = 'partnerdesk.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(dir: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

export function acquireDirLock(dir: string, command: string): DirLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  let info: LockInfo = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  const tmp = `${path}.${process.pid}.tmp`;
  for (let attempt = 0; attempt < 2; attempt++) {
    writeFileSync(tmp, JSON.stringify(info));
    try {
      linkSync(tmp, path);
      unlinkSync(tmp);
      let released = false;
      return {
        path,
        update(more) {
          info = { ...info, ...more };
          writeFileSync(tmp, JSON.stringify(info));
          renameSync(tmp, path);
        },
        release() {
          if (released) return;
          released = true;
          const cur = readLock(dir);
          if (cur?.pid === process.pid) unlinkSync(path);
        },
      };
    } catch (e) {
      unlinkSync(tmp);
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readLock(dir);
      const elsewhere = holder?.host !== undefined && holder.host !== hostname();
      if (holder && (elsewhere || (holder.pid !== process.pid && alive(holder.pid)))) {
        throw new AppError('conflict', 'store.locked', {
          dir,
          pid: elsewhere ? `${holder.pid}@${holder.host}` : holder.pid,
          command: holder.command,
          url: holder.url ?? '-',
        });
      }
      // stale: its owner is gone
      try {
        unlinkSync(path);
      } catch {
        /* another process took it over first; the next attempt decides */
      }
    }
  }
  const holder = readLock(dir);
  throw new AppError('conflict', 'store.locked', { dir, pid: holder?.pid ?? 0, command: holder?.command ?? '?', url: holder?.url ?? '-' });
}
