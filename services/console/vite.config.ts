import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// The dev server stands in for nginx: the console at /, the gateway behind /api, /v1 and /openapi.json.
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
  // Mantine code only the staff pages use (and what it alone needs), kept out of the customers'
  // first load; the plugin below fails the build if a change pulls this chunk into it. Of the
  // Combobox, NativeSelect (first load) uses the chevron, its styles and the data parser: those stay behind.
  [
    'mantine-ops',
    /[\\/]node_modules[\\/](@mantine[\\/]core[\\/]esm[\\/](components[\\/](Timeline|Switch|NumberInput|Textarea|SegmentedControl|FloatingIndicator|TagsInput|Pill|PillsInput|Fieldset)[\\/]|components[\\/]Combobox[\\/](?!ComboboxChevron[\\/]|Combobox\.module|get-parsed-combobox-data[\\/])|utils[\\/](InlineInput|InputsGroupFieldset)[\\/])|@mantine[\\/]hooks[\\/]esm[\\/](use-shallow-effect|use-timeout|use-mutation-observer|use-mounted|utils[\\/]shallow-equal|utils[\\/]clamp)[\\/]|react-number-format[\\/]|react-textarea-autosize[\\/])/,
  ],
  // Mantine code only the API reference page uses (the accordion, the filter's marks): it
  // loads with that page, not with every first load. NavLink (first load) draws the accordion's chevron.
  ['mantine-docs', /[\\/]node_modules[\\/]@mantine[\\/]core[\\/]esm[\\/]components[\\/](Accordion[\\/](?!AccordionChevron\.)|Highlight[\\/]|Mark[\\/])/],
  [
    'mantine',
    /[\\/]node_modules[\\/](@mantine[\\/](core|hooks)|@floating-ui|react-remove-scroll[^\\/]*|react-style-singleton|use-callback-ref|use-sidecar|react-number-format|react-textarea-autosize|clsx)[\\/]/,
  ],
  ['react', /[\\/]node_modules[\\/](react|react-dom|scheduler|react-router|cookie|set-cookie-parser|use-sync-external-store)[\\/]/],
  ['zod', /[\\/]node_modules[\\/]zod[\\/]/],
];

/**
 * Fails the build when one of these chunks is reachable from the entry's static imports, i.e.
 * part of every first load (a module shared with the first page would drag its chunk along).
 */
function keepOutOfFirstLoad(chunkNames: string[]): Plugin {
  return {
    name: 'keep-out-of-first-load',
    generateBundle(_options, bundle) {
      const entry = Object.values(bundle).find((file) => file.type === 'chunk' && file.isEntry);
      const seen = new Set<string>();
      const pending = entry ? [entry.fileName] : [];
      for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
        const file = bundle[name];
        if (seen.has(name) || file?.type !== 'chunk') continue;
        seen.add(name);
        if (chunkNames.includes(file.name)) this.error(`The chunk "${file.name}" is in the first load (imported from ${entry?.fileName}); see vendorChunks.`);
        pending.push(...file.imports);
      }
    },
  };
}

export default defineConfig({
  base: '/',
  plugins: [react(), keepOutOfFirstLoad(['charts', 'mantine-ops', 'mantine-docs'])],
  resolve: {
    alias: {
      // The backend package exports the contract for types only; the browser also runs its zod
      // request schemas (client-side form checks), so Vite reads the same source file.
      '@codex-gateway/backend/console-api': fileURLToPath(new URL('../backend/src/contract/console-api.ts', import.meta.url)),
      // The admin contract: the answers' types and the request schemas (src/admin-contract.ts).
      '@codex-gateway/backend/admin-api': fileURLToPath(new URL('../backend/src/admin-contract.ts', import.meta.url)),
    },
  },
  server: {
    proxy: {
      '/api': { target: gateway, changeOrigin: false },
      '/v1': { target: gateway, changeOrigin: false },
      '/openapi.json': { target: gateway, changeOrigin: false },
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
