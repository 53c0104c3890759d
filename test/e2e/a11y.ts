import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import type { Result } from 'axe-core';

/**
 * axe-core scans of what the e2e story shows, against WCAG 2.0/2.1/2.2 A and AA plus axe's
 * best practices (landmarks, heading order, one main, a level-one heading).
 */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** One violation per block: rule, impact, what it means, then each offending element and why. */
export function formatViolations(violations: Result[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes.map((n) => {
        const why = (n.failureSummary ?? '').split('\n').map((l) => `        ${l.trim()}`).join('\n');
        return `    - ${n.target.map(String).join(' >> ')}\n${why}`;
      });
      return `  [${v.impact ?? 'unknown'}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes.join('\n')}`;
    })
    .join('\n');
}

/**
 * The dark theme changes only colours, so in dark mode only the colour rules can find anything new
 * (and each scan costs about half a second, most of it injecting axe).
 */
const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];

async function scan(page: Page, label: string, rules?: string[]): Promise<void> {
  const builder = new AxeBuilder({ page })
    // Legacy mode runs axe inside the page itself. The default opens an extra blank tab in the
    // (persistent) profile to merge frame results; Cubby has no frames, and an extra tab would
    // only disturb the windows under test.
    .setLegacyMode(true);
  const results = await (rules ? builder.withRules(rules) : builder.withTags(TAGS)).analyze();
  expect.soft(results.violations.length, `accessibility violations on ${label}:\n${formatViolations(results.violations)}`).toBe(0);
}

/**
 * Scans the page as it is now against every rule in the light theme, and against the colour rules
 * in the dark one; leaves it light. Soft: the story goes on, so one run
 * lists every screen's problems, and the test still fails at the end.
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' });
  await scan(page, `${screen} (light)`);
  // Reduced motion while switching: colours change at once, not through a 120 ms transition that
  // the contrast check (or the next screenshot) could catch halfway.
  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
  await scan(page, `${screen} (dark)`, COLOUR_RULES);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.emulateMedia({ reducedMotion: null });
}
