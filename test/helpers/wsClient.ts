import WebSocket from 'ws';
import type { BrowserHost } from '../../main/browserHost/server';
import { BRIDGE_PATH } from '../../main/browserHost/protocol';

export interface ReceivedEvent {
  event: string;
  payload: unknown;
}

/** A bridge client over the browser host's real WebSocket transport, as a hostile page would use it. */
export class WsClient {
  readonly events: ReceivedEvent[] = [];
  /** Every text frame this client sent and received, in order, as it crossed the socket. */
  readonly frames: { direction: 'sent' | 'received'; text: string }[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push({ direction: 'received', text: data.toString() });
      const frame = JSON.parse(data.toString()) as { id?: number; result?: unknown; event?: string; payload?: unknown };
      if (typeof frame.id === 'number') {
        this.pending.get(frame.id)?.(frame.result);
        this.pending.delete(frame.id);
      } else if (frame.event) this.events.push({ event: frame.event, payload: frame.payload });
    });
  }

  /** Resolves with a client, or rejects with the HTTP status the host answered. */
  static connect(host: BrowserHost, opts: { token?: string; origin?: string } = {}): Promise<WsClient> {
    const url = `${host.origin.replace('http', 'ws')}${BRIDGE_PATH}?token=${encodeURIComponent(opts.token ?? host.token)}`;
    const ws = new WebSocket(url, { headers: { Origin: opts.origin ?? host.origin } });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new WsClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  call(channel: string, input: unknown): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      const text = JSON.stringify({ id, channel, input });
      this.frames.push({ direction: 'sent', text });
      this.ws.send(text);
    });
  }

  /** Sends raw text, for malformed-frame tests. Resolves when the socket closes. */
  sendRaw(text: string): Promise<number> {
    return new Promise((resolve) => {
      this.ws.once('close', (code) => resolve(code));
      this.ws.send(text);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

export async function settle(ms = 50): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}
