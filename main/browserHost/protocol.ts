import { z } from 'zod';

/** The browser host's WebSocket frames: the same contract calls and events, in an envelope. */
export const ClientFrame = z.strictObject({
  id: z.number().int().nonnegative(),
  channel: z.string().max(128),
  input: z.unknown(),
});
export type ClientFrame = z.infer<typeof ClientFrame>;

export type ServerFrame =
  | { id: number; result: unknown }
  | { event: string; payload: unknown };

export const TOKEN_PARAM = 'token';
export const BRIDGE_PATH = '/bridge';
