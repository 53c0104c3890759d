import { Accounts } from './core/accounts/accounts';
import type { AccountPolicy } from './core/accounts/policy';
import { SecretClipboard, type Clipboard } from './core/clipboard/secretClipboard';
import type { Keychain } from './core/keys/keychain';
import { handlers } from './ipc/handlers';
import { Router, type RouterLog } from './ipc/router';

export interface CubbyOptions {
  dataDir: string;
  keychain: Keychain;
  policy?: Partial<AccountPolicy>;
  now?: () => number;
  log?: RouterLog;
  /** The OS clipboard, where main copies secrets itself (the Electron app). */
  clipboard?: Clipboard;
}

export interface Cubby {
  accounts: Accounts;
  router: Router;
  close(): void;
}

/** The whole of main minus any transport: what the Electron shell, the browser host and tests start. */
export async function startCubby(opts: CubbyOptions): Promise<Cubby> {
  const accounts = await Accounts.open(opts);
  const router = new Router(accounts, handlers, {
    log: opts.log,
    clipboard: opts.clipboard && new SecretClipboard(opts.clipboard),
  });
  return {
    accounts,
    router,
    close() {
      router.lockAll('closed');
      accounts.close();
    },
  };
}
