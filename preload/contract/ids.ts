/**
 * Ids of the objects in a person's vault, as the bridge accepts them. Objects a person names by
 * id are random UUIDs (an id from another vault names nothing in this one); messages use their
 * integer order. Pure (zod only).
 */
import { z } from 'zod';

export const ObjectId = z.uuid();
export const MessageId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const Page = { limit: z.number().int().min(1).max(1000).optional(), offset: z.number().int().min(0).max(1_000_000).optional() };
/** What a search box sends; the core answers VALIDATION (with a message) when nothing searchable is in it. */
export const Query = z.string().min(1).max(500);
/** A snippet as plain text parts, some marked as the match: the UI renders them as text nodes. */
export const SnippetPart = z.object({ text: z.string(), match: z.boolean() });
