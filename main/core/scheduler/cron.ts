/** Schedule times from cron expressions, in the computer's time zone, computed by croner. */
import { Cron } from 'croner';
import { CubbyError } from '../errors';

/** The computer's IANA time zone (what a schedule is read in). */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const parsed = new Map<string, Cron>();

/** A paused croner job used only to compute times (it never fires anything itself). */
function cronOf(expression: string): Cron {
  let cron = parsed.get(expression);
  if (!cron) {
    try {
      // Day-of-month and day-of-week combine with OR, as in Vixie cron.
      cron = new Cron(expression, { paused: true, domAndDow: false });
    } catch {
      throw new CubbyError('VALIDATION', 'That schedule is not a valid cron expression (five fields: minute hour day month weekday).');
    }
    if (parsed.size > 5000) parsed.clear();
    parsed.set(expression, cron);
  }
  return cron;
}

/** VALIDATION unless `expression` is a cron expression with five fields that fires at all. */
export function checkCron(expression: string): void {
  if (expression.trim().split(/\s+/).length !== 5) {
    throw new CubbyError('VALIDATION', 'Write the schedule as five fields: minute hour day month weekday.');
  }
  if (!cronOf(expression).nextRun(new Date())) throw new CubbyError('VALIDATION', 'That schedule never runs.');
}

/** The first schedule time strictly after `afterMs`, or null. */
export function nextAfter(expression: string, afterMs: number): number | null {
  return cronOf(expression).nextRun(new Date(afterMs))?.getTime() ?? null;
}

/** Schedule times in (fromMs, toMs], oldest first, at most `limit`; `more` says some were left out. */
export function timesBetween(expression: string, fromMs: number, toMs: number, limit: number): { times: number[]; more: boolean } {
  const times: number[] = [];
  let at = fromMs;
  for (;;) {
    const next = nextAfter(expression, at);
    if (next === null || next > toMs) return { times, more: false };
    if (times.length === limit) return { times, more: true };
    times.push(next);
    at = next;
  }
}
