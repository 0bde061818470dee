import { defineConfig } from 'vitest/config';

// One installation is shared by every test in a file (packing and `npm install` take most of the time), so the
// hooks get the long timeout; each command the tests run has its own timeout in test/support/installation.ts.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 600_000 },
});
