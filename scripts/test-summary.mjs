// Prints one closing line for the whole suite from each package's vitest JSON report: "tests: N passed, N failed".
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const roots = [...['packages', 'apps'].flatMap((dir) => readdirSync(dir).map((name) => join(dir, name))), 'integration', 'install-test'];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const root of roots) {
  const report = join(root, 'test-results', 'vitest.json');
  if (!existsSync(report)) continue;
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  skipped += result.numPendingTests + result.numTodoTests;
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
