/**
 * Which raster image some bytes are, by their first bytes: main uses it before storing or
 * serving an image, the renderer before showing a file it is about to send. No zod here, so the
 * renderer can bundle it. Anything else (SVG above all, which can carry script) is not an image.
 */
export type ImageMime = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

export function imageMimeOf(bytes: Uint8Array): ImageMime | null {
  const at = (offset: number, ascii: string) => [...ascii].every((ch, i) => bytes[offset + i] === ch.charCodeAt(0));
  if (bytes[0] === 0x89 && at(1, 'PNG')) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (at(0, 'GIF8')) return 'image/gif';
  if (at(0, 'RIFF') && at(8, 'WEBP')) return 'image/webp';
  return null;
}
