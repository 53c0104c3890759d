import { CubbyError } from '../errors';

/**
 * The OS keychain, reduced to what Cubby needs: 32-byte secrets by account name.
 * keytar sits behind this so another backend (or a platform API) can replace it.
 * There is deliberately no plaintext fallback: if the keychain is unavailable, we fail.
 */
export interface Keychain {
  get(account: string): Promise<Buffer | null>;
  set(account: string, secret: Buffer): Promise<void>;
  delete(account: string): Promise<boolean>;
}

export const KEYCHAIN_SERVICE = 'Cubby';

export function keychainUnavailable(cause?: unknown): CubbyError {
  return new CubbyError(
    'KEYCHAIN_UNAVAILABLE',
    'The system keychain is not available. Unlock or start it (on Linux: a Secret Service such as GNOME Keyring) and try again.',
    { cause },
  );
}

type Keytar = typeof import('keytar');
let keytarModule: Promise<Keytar> | undefined;

/** keytar is native; load it on first use so modules that never touch the keychain do not pay for it. */
function loadKeytar(): Promise<Keytar> {
  keytarModule ??= import('keytar').then((m) => ((m as { default?: Keytar }).default ?? m) as Keytar);
  return keytarModule;
}

export class KeytarKeychain implements Keychain {
  private readonly service: string;

  /** Tests pass their own service name so they never touch a person's real entries. */
  constructor(service?: string) {
    this.service = service || KEYCHAIN_SERVICE;
  }

  async get(account: string): Promise<Buffer | null> {
    const value = await this.call((k) => k.getPassword(this.service, account));
    return value === null ? null : Buffer.from(value, 'base64');
  }

  async set(account: string, secret: Buffer): Promise<void> {
    // keytar takes strings; the base64 copy is a JS string we cannot zero, so keep its life short.
    await this.call((k) => k.setPassword(this.service, account, secret.toString('base64')));
  }

  async delete(account: string): Promise<boolean> {
    return this.call((k) => k.deletePassword(this.service, account));
  }

  private async call<T>(fn: (k: Keytar) => Promise<T>): Promise<T> {
    let keytar: Keytar;
    try {
      keytar = await loadKeytar();
    } catch (e) {
      throw keychainUnavailable(e);
    }
    try {
      return await fn(keytar);
    } catch (e) {
      throw keychainUnavailable(e);
    }
  }
}
