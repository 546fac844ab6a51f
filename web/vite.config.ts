import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The web shell: built into dist/web, which `partnerdesk serve` serves at / (SPA fallback to index.html).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `npm run dev:web` against a running `partnerdesk serve` on :3000
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
