import { imageMimeOf, type ImageMime } from '../../../preload/contract/imageBytes';
import { vaultOf, type Session } from '../accounts/session';
import { CubbyError, notFound } from '../errors';
import { newId } from './common';

/**
 * Files added to a message, stored as BLOBs in the vault (never as files on disk). Text files
 * are inlined into the prompt, so they have a size limit; images go to models as image parts.
 */
export const TEXT_ATTACHMENT_MAX_BYTES = 256 * 1024;
export const IMAGE_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const ATTACHMENTS_PER_MESSAGE_MAX = 10;
const IMAGE_MIMES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export { imageMimeOf, type ImageMime };

export interface AttachmentInput {
  name: string;
  mime: string;
  bytes: Uint8Array;
}

export interface AttachmentMeta {
  id: string;
  kind: 'text' | 'image';
  name: string;
  mime: string;
  size: number;
}

export interface Attachment extends AttachmentMeta {
  bytes: Buffer;
}

const kib = (n: number) => `${Math.round(n / 1024).toLocaleString('en-US')} KiB`;

/** Check before anything is written, so a refused file leaves no half-sent message. */
export function validateAttachments(inputs: readonly AttachmentInput[]): (AttachmentInput & { kind: 'text' | 'image' })[] {
  if (inputs.length > ATTACHMENTS_PER_MESSAGE_MAX) {
    throw new CubbyError('VALIDATION', `Attach at most ${ATTACHMENTS_PER_MESSAGE_MAX} files to one message.`);
  }
  return inputs.map((a) => {
    const name = String(a.name ?? '').trim().slice(0, 255) || 'attachment';
    const mime = String(a.mime ?? '').toLowerCase();
    if (IMAGE_MIMES.has(mime)) {
      if (a.bytes.byteLength > IMAGE_ATTACHMENT_MAX_BYTES) {
        throw new CubbyError('ATTACHMENT_TOO_LARGE', `The image "${name}" is larger than ${kib(IMAGE_ATTACHMENT_MAX_BYTES)}. Attach a smaller image.`);
      }
      const actual = imageMimeOf(a.bytes);
      if (!actual) throw new CubbyError('VALIDATION', `"${name}" is not a PNG, JPEG, GIF or WebP image.`);
      return { name, mime: actual, bytes: a.bytes, kind: 'image' as const };
    }
    // SVG included: it can carry script, so it is refused as an image (as text/plain it is text).
    if (mime.startsWith('image/')) throw new CubbyError('VALIDATION', `"${name}": attach images as PNG, JPEG, GIF or WebP.`);
    if (a.bytes.byteLength > TEXT_ATTACHMENT_MAX_BYTES) {
      throw new CubbyError(
        'ATTACHMENT_TOO_LARGE',
        `The file "${name}" is larger than ${kib(TEXT_ATTACHMENT_MAX_BYTES)}, the most that can be added to a message as text. Attach a shorter file or paste the part you need.`,
      );
    }
    // Text must be text: a binary file would be sent to the model as noise.
    const text = new TextDecoder('utf-8', { fatal: false }).decode(a.bytes);
    if (text.includes('\u0000')) throw new CubbyError('VALIDATION', `"${name}" is not a text file or a supported image.`);
    return { name, mime: mime || 'text/plain', bytes: a.bytes, kind: 'text' as const };
  });
}

export function addAttachments(session: Session, messageId: number, inputs: readonly AttachmentInput[]): AttachmentMeta[] {
  const checked = validateAttachments(inputs);
  const db = vaultOf(session);
  const insert = db.prepare('INSERT INTO attachments (id, message_id, kind, name, mime, bytes, size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const now = Date.now();
  db.transaction(() => {
    for (const a of checked) insert.run(newId(), messageId, a.kind, a.name, a.mime, Buffer.from(a.bytes), a.bytes.byteLength, now);
  })();
  return attachmentsOf(session, [messageId]).get(messageId) ?? [];
}

/** Metadata (no bytes) of the attachments of some messages. */
export function attachmentsOf(session: Session, messageIds: number[]): Map<number, AttachmentMeta[]> {
  const out = new Map<number, AttachmentMeta[]>();
  if (messageIds.length === 0) return out;
  const rows = vaultOf(session)
    .prepare(
      `SELECT id, message_id, kind, name, mime, size FROM attachments WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, rowid`,
    )
    .all(JSON.stringify(messageIds)) as (AttachmentMeta & { message_id: number })[];
  for (const { message_id, ...meta } of rows) {
    const list = out.get(message_id) ?? [];
    list.push(meta);
    out.set(message_id, list);
  }
  return out;
}

/** One attachment with its bytes (to show an image, or save a file where the person chooses). */
export function getAttachment(session: Session, id: string): Attachment {
  const row = vaultOf(session).prepare('SELECT id, kind, name, mime, size, bytes FROM attachments WHERE id = ?').get(id) as Attachment | undefined;
  if (!row) throw notFound('attachment');
  return row;
}

export interface ImageAttachment {
  id: string;
  name: string;
  mime: ImageMime;
  /** data:image/…;base64,… of a raster image, for an <img> in the window; never a file or a blob: URL. */
  dataUrl: string;
}

/**
 * One of this person's images, as a data: URL to show it. A text attachment, an image whose
 * bytes are not a raster image, and another person's id all answer as an id that does not exist.
 */
export function getImageAttachment(session: Session, id: string): ImageAttachment {
  const row = vaultOf(session).prepare("SELECT id, name, bytes FROM attachments WHERE id = ? AND kind = 'image'").get(id) as
    | { id: string; name: string; bytes: Buffer }
    | undefined;
  const mime = row && row.bytes.byteLength <= IMAGE_ATTACHMENT_MAX_BYTES ? imageMimeOf(row.bytes) : null;
  if (!row || !mime) throw notFound('attachment');
  return { id: row.id, name: row.name, mime, dataUrl: `data:${mime};base64,${row.bytes.toString('base64')}` };
}

/** With bytes, for building a prompt. */
export function attachmentsWithBytes(session: Session, messageId: number): Attachment[] {
  return vaultOf(session)
    .prepare('SELECT id, kind, name, mime, size, bytes FROM attachments WHERE message_id = ? ORDER BY created_at, rowid')
    .all(messageId) as Attachment[];
}
