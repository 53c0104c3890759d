import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/**
 * The list reporter shows a skipped test as a dash with no reason. Cubby's Electron tests skip
 * where no Electron binary exists, and that must be said out loud, never look like a pass:
 * print each skip with its reason, and a count at the end.
 */
export default class SkipReasons implements Reporter {
  private readonly skipped: string[] = [];

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status !== 'skipped') return;
    const reason = test.annotations.find((a) => a.type === 'skip')?.description ?? 'no reason given';
    this.skipped.push(`  ${reason}: ${test.titlePath().filter(Boolean).slice(1).join(' › ')}`);
  }

  onEnd(): void {
    if (this.skipped.length === 0) return;
    console.log(`\n${this.skipped.length} skipped:`);
    for (const line of this.skipped) console.log(line);
  }

  printsToStdio(): boolean {
    return true;
  }
}
