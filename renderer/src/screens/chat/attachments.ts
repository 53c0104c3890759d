import type { AttachmentUpload } from '../../bridge/types';
import { ATTACHMENT_LIMITS } from '../../bridge/limits';
import { imageMimeOf } from '../../../../preload/contract/imageBytes';

const TEXT_TYPES = /^(text\/|application\/(json|xml|x-yaml|yaml|javascript|typescript|x-sh|toml))/;
const TEXT_EXTENSIONS = /\.(txt|md|markdown|csv|tsv|json|ya?ml|xml|html?|css|js|mjs|ts|tsx|py|rb|go|rs|java|c|h|cpp|sh|toml|ini|log|sql)$/i;

export function attachmentKind(file: { name: string; type: string }): 'text' | 'image' | null {
  if (/^image\/(png|jpeg|gif|webp)$/.test(file.type)) return 'image';
  if (TEXT_TYPES.test(file.type) || TEXT_EXTENSIONS.test(file.name)) return 'text';
  return null;
}

/** What is wrong with this set of files before they are sent, or null. The core checks again. */
export function attachmentProblem(files: { name: string; type: string; size: number }[]): string | null {
  if (files.length > ATTACHMENT_LIMITS.perMessage) return `At most ${ATTACHMENT_LIMITS.perMessage} files can go with one message.`;
  for (const f of files) {
    const kind = attachmentKind(f);
    if (!kind) return `${f.name}: only text files and images (PNG, JPEG, GIF, WebP) can be attached.`;
    const max = kind === 'image' ? ATTACHMENT_LIMITS.imageMaxBytes : ATTACHMENT_LIMITS.textMaxBytes;
    if (f.size > max) return `${f.name} is too large: ${kind === 'image' ? 'images' : 'text files'} can be at most ${Math.round(max / 1024)} KiB.`;
  }
  return null;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export async function readAttachment(file: File): Promise<AttachmentUpload> {
  const kind = attachmentKind(file);
  const mime = file.type || (kind === 'text' ? 'text/plain' : 'application/octet-stream');
  return { name: file.name, mime, dataBase64: toBase64(new Uint8Array(await file.arrayBuffer())) };
}

/**
 * A thumbnail of an image about to be sent: a data: URL typed by the file's bytes (the same check
 * main makes), or null for anything that is not a PNG, JPEG, GIF or WebP image, or too large.
 */
export async function imagePreview(file: File): Promise<string | null> {
  if (attachmentKind(file) !== 'image' || file.size > ATTACHMENT_LIMITS.imageMaxBytes) return null;
  const bytes = new Uint8Array(await file.arrayBuffer());
  const mime = imageMimeOf(bytes);
  return mime ? `data:${mime};base64,${toBase64(bytes)}` : null;
}
