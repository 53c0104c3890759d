/**
 * Coalesces stream deltas so a fast local model cannot flood the bridge: at most one callback
 * per `intervalMs` (about an animation frame) per stream, each carrying the text since the last
 * one and the whole text so far. `flush` delivers what is pending (end of stream).
 */
export interface Delta {
  /** Text added since the previous callback. */
  delta: string;
  /** The whole answer so far. */
  text: string;
}

export class DeltaCoalescer {
  private text = '';
  private emittedLength = 0;
  private lastEmit = -Infinity;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly emit: (d: Delta) => void,
    private readonly intervalMs = 16,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(chunk: string): void {
    if (!chunk) return;
    this.text += chunk;
    if (this.timer) return;
    const wait = this.lastEmit + this.intervalMs - this.now();
    if (wait <= 0) this.deliver();
    else this.after(wait, () => this.deliver(), (t) => (this.timer = t));
  }

  /**
   * Run `then` once the interval since the last delivery has passed. Node measures a timer from
   * its loop's cached clock, so one can fire a few ms early under load: it is armed again for
   * what is left. `track` keeps the pending timer (so dispose can clear it).
   */
  private after(wait: number, then: () => void, track?: (t: NodeJS.Timeout) => void): void {
    const timer = setTimeout(() => {
      const left = this.lastEmit + this.intervalMs - this.now();
      if (left > 0) this.after(left, then, track);
      else then();
    }, Math.ceil(wait));
    track?.(timer);
  }

  /** Deliver what is pending, still no sooner than the interval allows (end of stream). */
  flush(): Promise<void> {
    if (this.text.length === this.emittedLength) return Promise.resolve();
    const wait = this.lastEmit + this.intervalMs - this.now();
    this.dispose();
    if (wait <= 0) {
      this.deliver();
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.after(wait, () => {
        this.deliver();
        resolve();
      }),
    );
  }

  /** Stop without delivering (the stream's owner went away). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private deliver(): void {
    this.dispose();
    if (this.text.length === this.emittedLength) return;
    const delta = this.text.slice(this.emittedLength);
    this.emittedLength = this.text.length;
    this.lastEmit = this.now();
    this.emit({ delta, text: this.text });
  }
}
