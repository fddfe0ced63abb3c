import { defineConfig } from 'vitest/config';

// A 2-core machine running test files in parallel: the first test of a file often pays for its
// fixture (throwaway RSA keys, an Astro build), so vitest's 5 s default fails on load, not on
// behaviour. Tests that bound a time say so in their own assertions.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // The tool speaks Chinese unless asked otherwise; the suite reads its English (test/cli/lang.test.ts
    // asks for the Chinese itself, with --lang zh or SEALPRESS_LANG=zh).
    env: { SEALPRESS_LANG: 'en' },
  },
});
