import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { CubbyError } from '../errors';

export const newId = (): string => randomUUID();

/**
 * Parse an input with its schema; a failure is VALIDATION with the schema's own message
 * (written for people), never zod's path dump.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  throw new CubbyError('VALIDATION', first?.message && !first.message.startsWith('Invalid') ? first.message : 'Some of these values are not valid.');
}

/** A SQLite 0/1 to a boolean. */
export const bool = (v: number | null | undefined): boolean => v === 1;
