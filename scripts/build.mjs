#!/usr/bin/env node
// Build the server (tsc → dist/server) and the web app (vite → dist/web).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const bin = (name) => `node_modules/.bin/${name}`;

run(bin('tsc'), ['-p', 'tsconfig.json']);
if (existsSync('web/vite.config.ts')) run(bin('vite'), ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
