/**
 * Per-person limits on a shared agent that runs on a shared credential: messages per day and
 * tokens per month, in the computer's time zone. A call reserves its message inside one
 * BEGIN IMMEDIATE transaction, so a burst of calls (from any process) cannot pass the message
 * limit; tokens are counted when the answer ends, so calls already running when the token
 * limit is reached may pass it by their own size.
 */
import type { Catalog } from '../catalog/catalog';
import { CubbyError } from '../errors';

export interface Periods {
  day: string;
  month: string;
  /** When the day and the month end (local midnight), in ms. */
  dayEndsAt: number;
  monthEndsAt: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function periodsAt(now: number): Periods {
  const d = new Date(now);
  const y = d.getFullYear();
  const m = d.getMonth();
  return {
    day: `d:${y}-${pad(m + 1)}-${pad(d.getDate())}`,
    month: `m:${y}-${pad(m + 1)}`,
    dayEndsAt: new Date(y, m, d.getDate() + 1).getTime(),
    monthEndsAt: new Date(y, m + 1, 1).getTime(),
  };
}

function quotaExceeded(what: string, resetsAt: number, now: number): CubbyError {
  const when = new Date(resetsAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return new CubbyError('QUOTA_EXCEEDED', `You have used ${what} with this agent. It resets on ${when}.`, { retryAfterMs: resetsAt - now });
}

/**
 * Count one message of `userId` with `agentId` unless a limit is reached (QUOTA_EXCEEDED with
 * the time it resets). Call inside a catalog transaction.
 */
export function reserveMessage(catalog: Catalog, agentId: string, userId: string, now: number): void {
  const p = periodsAt(now);
  const quota = catalog.agentUsage.quotaFor(agentId, userId);
  if (quota) {
    const day = catalog.agentUsage.counts(agentId, userId, p.day);
    const month = catalog.agentUsage.counts(agentId, userId, p.month);
    if (quota.messagesPerDay !== null && day.messages >= quota.messagesPerDay) {
      throw quotaExceeded(`today's ${quota.messagesPerDay} messages`, p.dayEndsAt, now);
    }
    if (quota.tokensPerMonth !== null && month.tokens >= quota.tokensPerMonth) {
      throw quotaExceeded(`this month's ${quota.tokensPerMonth.toLocaleString('en-US')} tokens`, p.monthEndsAt, now);
    }
  }
  catalog.agentUsage.add(agentId, userId, p.day, { messages: 1, tokens: 0 });
  catalog.agentUsage.add(agentId, userId, p.month, { messages: 1, tokens: 0 });
}

/** Add the tokens an answer used, to the period it started in. */
export function recordTokens(catalog: Catalog, agentId: string, userId: string, startedAt: number, tokens: number): void {
  if (!(tokens > 0)) return;
  const p = periodsAt(startedAt);
  catalog.transaction(() => {
    if (!catalog.sharedAgents.byId(agentId)) return; // deleted meanwhile: nothing to count against
    catalog.agentUsage.add(agentId, userId, p.day, { messages: 0, tokens });
    catalog.agentUsage.add(agentId, userId, p.month, { messages: 0, tokens });
  });
}

/** Give back a message reserved for a call that was refused before anything was sent. */
export function releaseMessage(catalog: Catalog, agentId: string, userId: string, reservedAt: number): void {
  const p = periodsAt(reservedAt);
  catalog.transaction(() => {
    if (!catalog.sharedAgents.byId(agentId)) return;
    catalog.agentUsage.add(agentId, userId, p.day, { messages: -1, tokens: 0 });
    catalog.agentUsage.add(agentId, userId, p.month, { messages: -1, tokens: 0 });
  });
}
