// Owns: the webmail's build (issue 10): root web/, output dist/web at the repository root (served by
// src/http/webapp.ts). `npm run build:web`.
import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.resolve(import.meta.dirname, '../dist/web'),
    emptyOutDir: true,
    // No inline data: scripts or fonts: the CSP allows only 'self'.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 800,
    reportCompressedSize: true,
  },
});
