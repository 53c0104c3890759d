/**
 * The contract's attachment limits (preload/contract/chat.ts), copied as plain numbers so the
 * renderer does not bundle zod for them; test/renderer/chatStore.test.ts keeps them equal.
 */
export const ATTACHMENT_LIMITS = {
  textMaxBytes: 256 * 1024,
  imageMaxBytes: 10 * 1024 * 1024,
  perMessage: 10,
} as const;
export const MESSAGE_MAX_CHARS = 200_000;
