import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@theater/source'] },
  ssr: { resolve: { conditions: ['@theater/source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // oclif imports the commands with Node itself, outside Vite: tsx transpiles them, and the workspace packages they
    // import resolve to their TypeScript source through the condition, so tests never need a build.
    execArgv: ['--conditions=@theater/source', '--import=tsx/esm'],
    // oclif writes with console.log; runCommand captures process.stdout, which Vitest's console interception bypasses.
    disableConsoleIntercept: true,
  },
});
