import type { ChannelName, CubbyBridge, EventName, EventPayload, Result } from '../../preload/contract';

/**
 * A stand-in for window.cubby: answers each channel from a table, records the calls, can hold
 * an answer back until the test releases it (to interleave a load with a lock), and can emit
 * events as main would. No transport, no DOM.
 */
type Answer = () => Result<unknown>;

export class FakeBridge implements CubbyBridge {
  readonly calls: string[] = [];
  private readonly answers = new Map<string, Answer>();
  private readonly held = new Map<string, Array<() => void>>();
  private readonly holding = new Set<string>();
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();

  answer(channel: ChannelName, value: unknown): this {
    this.answers.set(channel, () => ({ ok: true, value }));
    return this;
  }

  fail(channel: ChannelName, code: 'LOCKED' | 'INTERNAL', message = 'refused'): this {
    this.answers.set(channel, () => ({ ok: false, error: { code, message } }));
    return this;
  }

  /**
   * Answers to `channel` are held until release(channel), then delivered in call order. Each
   * answer is what the table said when the call was made, as main answers by its state then.
   */
  hold(channel: ChannelName): void {
    this.holding.add(channel);
  }

  async release(channel: ChannelName): Promise<void> {
    this.holding.delete(channel);
    for (const go of this.held.get(channel) ?? []) go();
    this.held.delete(channel);
    await new Promise((r) => setTimeout(r, 0));
  }

  call(channel: ChannelName): Promise<never> {
    this.calls.push(channel);
    const result = this.answers.get(channel)?.() ?? { ok: false, error: { code: 'INTERNAL', message: `no answer for ${channel}` } };
    if (!this.holding.has(channel)) return Promise.resolve(result as never);
    return new Promise((resolve) => {
      const queue = this.held.get(channel) ?? [];
      queue.push(() => resolve(result as never));
      this.held.set(channel, queue);
    });
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    const cb = listener as (payload: unknown) => void;
    set.add(cb);
    return () => set.delete(cb);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const cb of this.listeners.get(event) ?? []) cb(payload);
  }
}
