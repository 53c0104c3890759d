import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Cubby } from '../../main/app';
import { BRIDGE_PATH } from '../../main/browserHost/protocol';
import { MAX_FRAME_BYTES, type BrowserHost } from '../../main/browserHost/server';
import { ADMIN, BOB } from '../helpers/env';
import { startTestHost, type TestHost } from '../helpers/testHost';
import { WsClient } from '../helpers/wsClient';

/**
 * Malformed WebSocket frames, written byte by byte on a plain TCP socket after a valid upgrade:
 * each must end only the connection that sent it (and the session bound to it), never the host.
 */

interface FrameSpec {
  opcode: number;
  payload?: Buffer;
  fin?: boolean;
  rsv1?: boolean;
  masked?: boolean;
  /** A length header that differs from the bytes sent (a lie about the size). */
  declaredLength?: bigint;
}

function encodeFrame(spec: FrameSpec): Buffer {
  const payload = spec.payload ?? Buffer.alloc(0);
  const masked = spec.masked ?? true;
  const length = spec.declaredLength ?? BigInt(payload.length);
  const head = [(spec.fin === false ? 0 : 0x80) | (spec.rsv1 ? 0x40 : 0) | spec.opcode];
  let ext = Buffer.alloc(0);
  const maskBit = masked ? 0x80 : 0;
  if (length < 126n) head.push(maskBit | Number(length));
  else if (length < 65536n) {
    head.push(maskBit | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(Number(length));
  } else {
    head.push(maskBit | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(length);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), ext, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ key[i % 4]!));
  return Buffer.concat([Buffer.from(head), ext, key, body]);
}

const text = (s: string) => encodeFrame({ opcode: 0x1, payload: Buffer.from(s) });
const closeFrame = (code: number, reason: Buffer) => {
  const payload = Buffer.alloc(2 + reason.length);
  payload.writeUInt16BE(code);
  reason.copy(payload, 2);
  return encodeFrame({ opcode: 0x8, payload });
};
const BAD_UTF8 = Buffer.from([0x68, 0x69, 0xc3, 0x28, 0xff]);

/** Each protocol violation the issue names (and the ws receiver reports as an error). */
const MALFORMED: Record<string, Buffer> = {
  'payload over the size limit': encodeFrame({ opcode: 0x1, declaredLength: BigInt(MAX_FRAME_BYTES + 1), payload: Buffer.alloc(64, 0x61) }),
  'invalid UTF-8 in a text frame': encodeFrame({ opcode: 0x1, payload: BAD_UTF8 }),
  'a length header of 2^62': encodeFrame({ opcode: 0x2, declaredLength: 2n ** 62n, payload: Buffer.alloc(16) }),
  'a reserved opcode': encodeFrame({ opcode: 0x3, payload: Buffer.from('x') }),
  'an unmasked client frame': encodeFrame({ opcode: 0x1, payload: Buffer.from('{}'), masked: false }),
  'RSV1 set without an extension': encodeFrame({ opcode: 0x1, rsv1: true, payload: Buffer.from('{}') }),
  'an oversized ping': encodeFrame({ opcode: 0x9, payload: Buffer.alloc(126, 0x70) }),
  'a fragmented ping': encodeFrame({ opcode: 0x9, fin: false, payload: Buffer.from('p') }),
  'a close code of 999': closeFrame(999, Buffer.alloc(0)),
  'a close reason in bad UTF-8': closeFrame(1000, BAD_UTF8),
  'a continuation frame with no start': encodeFrame({ opcode: 0x0, payload: Buffer.from('orphan') }),
};

/** A raw connection: upgrade by hand, then frames as bytes; replies are collected as text. */
class RawConnection {
  private buffered = Buffer.alloc(0);
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d) => (this.buffered = Buffer.concat([this.buffered, d])));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async open(host: BrowserHost): Promise<RawConnection> {
    const { port } = new URL(host.origin);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const conn = new RawConnection(socket);
    socket.write(
      [
        `GET ${BRIDGE_PATH}?token=${encodeURIComponent(host.token)} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        `Origin: ${host.origin}`,
        '',
        '',
      ].join('\r\n'),
    );
    await conn.waitFor((s) => s.includes('\r\n\r\n'));
    expect(conn.buffered.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
    conn.buffered = Buffer.alloc(0);
    return conn;
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  async waitFor(done: (received: string) => boolean, ms = 5000): Promise<void> {
    const until = Date.now() + ms;
    while (!done(this.buffered.toString('latin1'))) {
      if (Date.now() > until) throw new Error('timed out waiting for the host');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

describe('malformed WebSocket frames end one connection, never the host', () => {
  let app: TestHost;
  let cubby: Cubby;
  let host: BrowserHost;
  let ada: WsClient;

  beforeAll(async () => {
    app = await startTestHost();
    ({ cubby, host } = app);
    ada = await WsClient.connect(host);
    expect((await ada.call('auth.setup', ADMIN)).ok).toBe(true);
    const invite = (await ada.call('admin.invites.create', { username: BOB.username, displayName: BOB.displayName, role: 'user' })).value;
    const bob = await WsClient.connect(host);
    expect((await bob.call('auth.redeemInvite', { username: BOB.username, code: invite.code, password: BOB.password })).ok).toBe(true);
    await bob.close();
  });

  afterAll(async () => {
    await ada?.close();
    await app?.close();
  });

  const bobSessions = () => cubby.accounts.openSessions().filter((s) => s.user.username === BOB.username).length;

  async function adaStillServed(): Promise<void> {
    const status = await ada.call('app.status', {});
    expect(status.value.session.username).toBe(ADMIN.username);
    expect((await ada.call('admin.users.list', {})).ok).toBe(true);
  }

  test.each(Object.entries(MALFORMED))('%s', async (_name, bytes) => {
    const raw = await RawConnection.open(host);
    // Bob signs in on the raw connection, so the frame must also end his session.
    raw.write(text(JSON.stringify({ id: 1, channel: 'auth.login', input: { username: BOB.username, password: BOB.password } })));
    await raw.waitFor((s) => s.includes('"ok":true'));
    expect(bobSessions()).toBe(1);

    raw.write(bytes);
    await raw.closed;
    await expect.poll(bobSessions).toBe(0);
    await adaStillServed();
  });

  test('a 2 MiB message sent with the plain WebSocket API', async () => {
    const page = await WsClient.connect(host);
    expect((await page.call('auth.login', { username: BOB.username, password: BOB.password })).ok).toBe(true);
    expect(await page.sendRaw('x'.repeat(2 * 1024 * 1024))).toBe(1009);
    await expect.poll(bobSessions).toBe(0);
    await adaStillServed();
  });

  test('an upgrade request whose target is no URL at all, before any token check', async () => {
    const { port } = new URL(host.origin);
    for (const target of ['http://[/', '//[', 'http://a b/']) {
      const socket = connect(Number(port), '127.0.0.1');
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      const closed = new Promise<string>((resolve) => {
        let answer = '';
        socket.on('data', (d) => (answer += d.toString('latin1')));
        socket.once('close', () => resolve(answer));
      });
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
      expect(await closed).not.toMatch(/^HTTP\/1\.1 101 /);
    }
    await adaStillServed();
  });

  test('a connection reset in the middle of the handshake', async () => {
    const { port } = new URL(host.origin);
    for (let i = 0; i < 20; i++) {
      const socket = connect(Number(port), '127.0.0.1');
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write(`GET ${BRIDGE_PATH}?token=${host.token} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`);
      socket.resetAndDestroy();
    }
    await adaStillServed();
    expect(host.connectionCount()).toBe(1);
  });
});
