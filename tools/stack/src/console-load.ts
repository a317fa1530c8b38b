import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './browser.js';
import { readStackEnv } from './config.js';
import type { StackInfo } from './stack.js';

const RUNS = 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * `npm run bench -- console`: the console's first load on the running stack (`npm start`),
 * as a new visitor gets it: a fresh browser profile (empty cache) per run, opening
 * /sign-in until its heading shows. Prints the median of RUNS runs and what went over the
 * wire (compressed).
 */
export async function benchConsoleLoad(): Promise<number> {
  const { STACK_DIR: dir } = readStackEnv();
  const info = JSON.parse(readFileSync(path.join(dir, 'stack.json'), 'utf8')) as StackInfo;
  const browser = await launchBrowser();
  const rows: Array<{ ready: number; dcl: number; load: number; bytes: number; requests: number }> = [];
  try {
    for (let i = 0; i < RUNS; i += 1) {
      const context = await browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(new URL('/sign-in', info.consoleUrl).toString());
      await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
      const ready = Date.now() - started;
      // Strings run in the page (this file is compiled without the DOM's types).
      const timing = JSON.parse(
        String(
          await page.evaluate(`JSON.stringify((() => {
            const nav = performance.getEntriesByType('navigation')[0];
            const resources = performance.getEntriesByType('resource');
            return { dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, requests: resources.length + 1,
                     bytes: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0) };
          })())`),
        ),
      ) as { dcl: number; load: number; bytes: number; requests: number };
      rows.push({ ready, ...timing });
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const ms = (x: number) => `${Math.round(x)} ms`;
  console.log(`console first load on ${info.consoleUrl}sign-in, ${RUNS} runs with an empty cache (median):`);
  console.log(
    `  DOMContentLoaded ${ms(median(rows.map((r) => r.dcl)))}, load ${ms(median(rows.map((r) => r.load)))}, sign-in form shown ${ms(median(rows.map((r) => r.ready)))}`,
  );
  console.log(`  ${median(rows.map((r) => r.requests))} requests, ${(median(rows.map((r) => r.bytes)) / 1024).toFixed(1)} KiB transferred (gzip)`);
  return 0;
}
