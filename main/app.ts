import { startControlServer, type ControlServer } from './control/server';
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
  /** Listen for the command line on the control channel (the app and the browser host do). */
  control?: boolean;
}

export interface Cubby {
  accounts: Accounts;
  router: Router;
  /** The command line's channel to this app; null when not asked for or it could not open. */
  control: ControlServer | null;
  close(): void;
}

/** The whole of main minus any transport: what the Electron shell, the browser host and tests start. */
export async function startCubby(opts: CubbyOptions): Promise<Cubby> {
  const accounts = await Accounts.open(opts);
  const router = new Router(accounts, handlers, {
    log: opts.log,
    clipboard: opts.clipboard && new SecretClipboard(opts.clipboard),
  });
  const control = opts.control ? await startControlServer({ dataDir: opts.dataDir, router, log: opts.log }) : null;
  return {
    accounts,
    router,
    control,
    close() {
      control?.close();
      router.lockAll('closed');
      accounts.close();
    },
  };
}
