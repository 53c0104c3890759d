/** The field shapes every sync object shares, checked the same way wherever they are read. */
import { z } from 'zod';

export const DeviceId = z.string().regex(/^[0-9a-f]{16}$/);
/** A raw 32-byte public key in base64. */
export const Key32 = z.string().regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/);
/** A SHA-256 in hex, or '' for "none yet". */
export const Hash = z.string().regex(/^([0-9a-f]{64})?$/);
export const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
