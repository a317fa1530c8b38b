import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dev server stands in for nginx: the console at /, the gateway behind /api and /v1.
const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:12322';

// Vendor code changes less often than ours: separate chunks stay cached across console releases,
// and the charts chunk is only fetched by the lazily loaded pages that draw charts. Rollup pulls
// the dependencies of a listed package into its chunk, so a helper shared with the first page
// (use-sync-external-store) is listed with react, or it would drag the charts chunk along.
const vendorChunks: Array<[chunk: string, pattern: RegExp]> = [
  [
    'charts',
    /[\\/]node_modules[\\/](@mantine[\\/]charts|recharts|d3-[^\\/]+|victory-vendor|@reduxjs|react-redux|redux|immer|reselect|decimal\.js-light|es-toolkit|eventemitter3|internmap)[\\/]/,
  ],
  [
    'mantine',
    /[\\/]node_modules[\\/](@mantine[\\/](core|hooks)|@floating-ui|react-remove-scroll[^\\/]*|react-style-singleton|use-callback-ref|use-sidecar|react-number-format|react-textarea-autosize|clsx)[\\/]/,
  ],
  ['react', /[\\/]node_modules[\\/](react|react-dom|scheduler|react-router|cookie|set-cookie-parser|use-sync-external-store)[\\/]/],
  ['zod', /[\\/]node_modules[\\/]zod[\\/]/],
];

export default defineConfig({
  base: '/',
  plugins: [react()],
  resolve: {
    alias: {
      // The backend package exports the contract for types only; the browser also runs its zod
      // request schemas (client-side form checks), so Vite reads the same source file.
      '@codex-gateway/backend/console-api': fileURLToPath(new URL('../backend/src/contract/console-api.ts', import.meta.url)),
    },
  },
  server: {
    proxy: {
      '/api': { target: gateway, changeOrigin: false },
      '/v1': { target: gateway, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // The charts chunk (recharts + d3, ~145 kB gzip) is over Rollup's 500 kB default; it only
    // loads with the overview and usage pages, so the warning would be noise on every build.
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      output: {
        manualChunks(id) {
          for (const [chunk, pattern] of vendorChunks) {
            if (pattern.test(id)) return chunk;
          }
          return undefined;
        },
      },
    },
  },
});
