import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder with package.json), from src/ under Vitest or dist/server/ when built. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export const ROOT = findRoot();
export const MIGRATIONS_DIR = join(ROOT, 'src', 'db', 'migrations');
export const LOCALES_DIR = join(ROOT, 'locales');
export const WEB_DIST_DIR = join(ROOT, 'dist', 'web');
