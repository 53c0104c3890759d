/**
 * An in-memory SyncStorage for protocol tests: it lets a test play the storage (read, replace,
 * cut or drop any object between rounds). The real backends have their own contract suite.
 */
import { CubbyError } from '../../main/core/errors';
import type { SyncStorage } from '../../main/core/sync/storage/types';

export class MemoryStorage implements SyncStorage {
  readonly kind = 'folder' as const;
  readonly atomicPutIfAbsent = true;
  readonly objects = new Map<string, Buffer>();
  /** Every write, in order: what an observer of the storage sees. */
  readonly writes: { name: string; size: number }[] = [];

  async put(name: string, body: Uint8Array): Promise<void> {
    this.objects.set(name, Buffer.from(body));
    this.writes.push({ name, size: body.byteLength });
  }
  async putIfAbsent(name: string, body: Uint8Array): Promise<boolean> {
    if (this.objects.has(name)) return false;
    await this.put(name, body);
    return true;
  }
  async get(name: string, maxBytes: number): Promise<Uint8Array | null> {
    const b = this.objects.get(name);
    if (!b) return null;
    if (b.length > maxBytes) throw new CubbyError('SYNC_OBJECT_REJECTED', 'A sync object was too large.');
    return Buffer.from(b);
  }
  async list(prefix: string): Promise<{ name: string; size: number }[]> {
    return [...this.objects].filter(([n]) => n.startsWith(prefix)).map(([name, b]) => ({ name, size: b.length }));
  }
  async delete(name: string): Promise<void> {
    this.objects.delete(name);
  }
  async check(): Promise<void> {}
  async close(): Promise<void> {}

  snapshot(): Map<string, Buffer> {
    return new Map([...this.objects].map(([k, v]) => [k, Buffer.from(v)]));
  }
  restore(copy: Map<string, Buffer>): void {
    this.objects.clear();
    for (const [k, v] of copy) this.objects.set(k, Buffer.from(v));
  }
}
