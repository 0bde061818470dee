import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@theater/source'] },
  ssr: { resolve: { conditions: ['@theater/source'] } },
  test: { include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
});
