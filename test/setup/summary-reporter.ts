import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints the plain closing line CI reads (`N passed, N failed, N skipped`) and, when
 * PARTNERDESK_TEST_SUMMARY names a file, writes the counts there for scripts/test.mjs to add up.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failed++;
        else skipped++;
      }
      // a file that failed to load counts as a failure even if it declared no tests
      if (m.state() === 'failed' && ![...m.children.allTests()].some((t) => t.result().state === 'failed')) failed++;
    }
    failed += errors.length;
    const leg = process.env.PARTNERDESK_TEST_STORE ?? 'pglite';
    const file = process.env.PARTNERDESK_TEST_SUMMARY;
    if (file) writeFileSync(file, JSON.stringify({ leg, passed, failed, skipped }));
    process.stdout.write(`\n${leg}: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
