import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config';

// Unit tests of the components and functions that hold logic; journeys stay in the browser tests.
export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      // Node for plain functions; a component's test file asks for jsdom in its first line.
      environment: 'node',
      include: ['src/**/*.test.{ts,tsx}'],
      setupFiles: ['src/test/setup.ts'],
      // A zone with no daylight saving and far from UTC, so an instant shown in the wrong zone shows.
      env: { TZ: 'Asia/Tokyo' },
      css: false,
      // Typing into several Mantine fields on a busy two-core machine takes seconds.
      testTimeout: 20_000,
    },
  }),
);
