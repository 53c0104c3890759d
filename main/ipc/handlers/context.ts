/** What every area's handlers share: their type, and the helpers that read the caller's session. */
import type { z } from 'zod';
import type { Session } from '../../core/accounts/session';
import { CubbyError } from '../../core/errors';
import { recoverInterruptedMessages } from '../../core/vault/messages';
import type { ChannelName, ChannelOutput, Channels, SessionInfo } from '../../../preload/contract';
import { sessionInfo, type HandlerContext } from '../router';

export type { HandlerContext };

export type Handler<C extends ChannelName> = (
  input: z.output<Channels[C]['input']>,
  ctx: HandlerContext,
) => ChannelOutput<C> | Promise<ChannelOutput<C>>;

/** One area's handlers: exactly the channels K, each typed by the contract. */
export type AreaHandlers<K extends ChannelName> = { [C in K]: Handler<C> };

/** The router guarantees a session for 'session' and 'admin' channels. */
export function own(ctx: HandlerContext): Session {
  if (!ctx.session) throw new CubbyError('LOCKED', 'This session is locked. Sign in again.');
  return ctx.session;
}

/**
 * Bind the caller's window to the session it just opened, and answer what it may know of it.
 * An answer that was streaming when the app last died is marked interrupted now, before the
 * person can open it (its text is what was saved up to about a second before).
 */
export function signedIn(ctx: HandlerContext, session: Session): SessionInfo {
  ctx.bind(session);
  recoverInterruptedMessages(session);
  return sessionInfo(ctx.accounts, session);
}
