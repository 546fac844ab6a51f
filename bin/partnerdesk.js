#!/usr/bin/env node
// The CLI entry point runs the compiled server code (`npm run build` writes dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/server/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('partnerdesk: not built yet. Run `npm run build` (npm start does it for you).\n');
  process.exit(2);
}
const { run } = await import(main.href);
await run(process.argv);
