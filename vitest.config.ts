import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';

const root = fileURLToPath(new URL('.', import.meta.url));
const alias: Record<string, string> = {};
for (const p of readdirSync(root + 'packages')) alias[`@elfbox/${p}`] = `${root}packages/${p}/src/index.ts`;

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
