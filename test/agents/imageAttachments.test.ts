import { afterAll, beforeAll, expect, test } from 'vitest';
import { vaultOf } from '../../main/core/accounts/session';
import { isCubbyError } from '../../main/core/errors';
import { addAttachments, getImageAttachment, imageMimeOf } from '../../main/core/vault/attachments';
import { createConversation } from '../../main/core/vault/conversations';
import { appendMessage } from '../../main/core/vault/messages';
import { removeDir, tempDataDir, twoUsers } from '../helpers/env';

/** Images are shown in the window as data: URLs; only real raster images ever are (never SVG). */
const dir = tempDataDir('cubby-image-attachments-');
let world: Awaited<ReturnType<typeof twoUsers>>;
beforeAll(async () => {
  world = await twoUsers(dir);
});
afterAll(() => {
  world.accounts.close();
  removeDir(dir);
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a464946', 'hex');
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([4, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');

const errorCode = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return isCubbyError(e) ? e.code : `not a CubbyError: ${String(e)}`;
  }
  return 'no error';
};

function message(s = world.bob) {
  const conv = createConversation(s, { agentId: null, agentName: 'x' });
  return appendMessage(s, conv.id, { role: 'user', content: 'look', status: 'complete' });
}

test('an image is known by its bytes, not by the type it was sent with', () => {
  expect([PNG, JPEG, GIF, WEBP].map(imageMimeOf)).toEqual(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
  expect(imageMimeOf(SVG)).toBeNull();
  expect(imageMimeOf(Buffer.from('RIFF\0\0\0\0WAVE'))).toBeNull();
  expect(imageMimeOf(new Uint8Array())).toBeNull();
});

test('SVG is never stored as an image: refused as image/svg+xml or dressed up as PNG; as text/plain it is text', () => {
  const id = message();
  expect(errorCode(() => addAttachments(world.bob, id, [{ name: 'x.svg', mime: 'image/svg+xml', bytes: SVG }]))).toBe('VALIDATION');
  expect(errorCode(() => addAttachments(world.bob, id, [{ name: 'x.png', mime: 'image/png', bytes: SVG }]))).toBe('VALIDATION');
  const [asText] = addAttachments(world.bob, id, [{ name: 'x.svg', mime: 'text/plain', bytes: SVG }]);
  expect(asText).toMatchObject({ kind: 'text', mime: 'text/plain' });
  expect(errorCode(() => getImageAttachment(world.bob, asText!.id))).toBe('NOT_FOUND');
});

test('an image comes back as a data: URL with the type its bytes show', () => {
  const id = message();
  const [png, jpegSentAsPng] = addAttachments(world.bob, id, [
    { name: 'dot.png', mime: 'image/png', bytes: PNG },
    { name: 'photo.png', mime: 'image/png', bytes: JPEG },
  ]);
  expect(getImageAttachment(world.bob, png!.id)).toEqual({ id: png!.id, name: 'dot.png', mime: 'image/png', dataUrl: `data:image/png;base64,${PNG.toString('base64')}` });
  expect(jpegSentAsPng!.mime).toBe('image/jpeg');
  expect(getImageAttachment(world.bob, jpegSentAsPng!.id).dataUrl).toMatch(/^data:image\/jpeg;base64,/);
});

test("another person's image, a missing id and a row whose bytes were swapped for SVG all answer NOT_FOUND", () => {
  const id = message();
  const [png] = addAttachments(world.bob, id, [{ name: 'dot.png', mime: 'image/png', bytes: PNG }]);
  expect(errorCode(() => getImageAttachment(world.admin, png!.id))).toBe('NOT_FOUND');
  expect(errorCode(() => getImageAttachment(world.bob, 'nope'))).toBe('NOT_FOUND');
  // A vault written by an older version (or by hand) cannot make the window render SVG.
  vaultOf(world.bob).prepare('UPDATE attachments SET bytes = ? WHERE id = ?').run(SVG, png!.id);
  expect(errorCode(() => getImageAttachment(world.bob, png!.id))).toBe('NOT_FOUND');
});
