import { startControlServer, type ControlServer } from './control/server';
import { Accounts } from './core/accounts/accounts';
import type { AccountPolicy } from './core/accounts/policy';
import { SecretClipboard, type Clipboard } from './core/clipboard/secretClipboard';
import type { Keychain } from './core/keys/keychain';
import { applyMachinePolicy } from './core/policy/apply';
import { machinePolicySource, type EffectivePolicy } from './core/policy/effective';
import type { MachinePolicySource } from './core/policy/source';
import { idleTimeoutFrom } from './ipc/autoLock';
import { handlers } from './ipc/handlers';
import { Router, type ProviderRuntime, type RouterLog } from './ipc/router';
import type { ToolCallerFactory } from './core/workflows/toolCaller';
import { toolCaller } from './core/tools';
import { requirePolicy } from './core/policy/enforce';
import type { SyncRuntime } from './core/sync/api';
import { createSyncRuntime, type SyncRuntimeOptions } from './core/sync/runtime';

export interface CubbyOptions {
  dataDir: string;
  keychain: Keychain;
  policy?: Partial<AccountPolicy>;
  /**
   * Where the machine policy is read. Default: this platform's own place (with CUBBY_POLICY_FILE
   * honoured outside a packaged build); tests pass a file of their own or NO_POLICY_SOURCE.
   */
  machinePolicy?: MachinePolicySource;
  /**
   * Development and tests only (CUBBY_IDLE_LOCK_SECONDS): the machine's idle-lock time in
   * seconds, 0 for off, instead of the policy's. The Electron shell passes it only when unpackaged.
   */
  idleLockSecondsOverride?: string;
  now?: () => number;
  log?: RouterLog;
  /** The OS clipboard, where main copies secrets itself (the Electron app). */
  clipboard?: Clipboard;
  /** Opens a checked http(s) link in the system browser (the Electron app's shell.openExternal). */
  openExternal?: (url: string) => Promise<void>;
  /** Listen for the command line on the control channel (the app and the browser host do). */
  control?: boolean;
  /** Tests and the bench: provider requests with retries off, another fetch, other local-server ports. */
  providerRuntime?: ProviderRuntime;
  /** How workflow tool steps reach MCP tool servers (main/core/tools' toolCaller); tests pass a recording one. */
  toolCaller?: ToolCallerFactory;
  /** Tests of the screens only: a sync runtime of their own instead of the real one (issue 12). */
  sync?: SyncRuntime;
  /** The real sync runtime's options (tests: a shorter round interval). */
  syncOptions?: SyncRuntimeOptions;
}

export interface Cubby {
  accounts: Accounts;
  router: Router;
  /** The machine policy in force and where each value came from. */
  policy: EffectivePolicy;
  /** The machine's idle-lock time in seconds (0: off): the policy's ceiling unless overridden in development. */
  idleLockSeconds: number;
  /** The command line's channel to this app; null when not asked for or it could not open. */
  control: ControlServer | null;
  close(): void;
}

const stderrLog: RouterLog = { error: (m) => console.error(m) };

/**
 * Workflow tool steps reach the person's own MCP servers (main/core/tools), unless the machine
 * policy forbids people's own tool servers: then a tool step fails as the tools channels do.
 */
function policyCheckedToolCaller(policy: EffectivePolicy): ToolCallerFactory {
  return (session) => {
    const tools = toolCaller(session);
    const check = () => requirePolicy(policy.values, 'allowOwnToolServers');
    return {
      list: async () => (check(), tools.list()),
      call: async (serverId, toolName, args, callOpts) => (check(), tools.call(serverId, toolName, args, callOpts)),
    };
  };
}

/** The whole of main minus any transport: what the Electron shell, the browser host and tests start. */
export async function startCubby(opts: CubbyOptions): Promise<Cubby> {
  // The machine policy comes first: an invalid one stops everything (POLICY_INVALID).
  const { policy, accountPolicy } = applyMachinePolicy(opts.machinePolicy ?? machinePolicySource(), opts.log ?? stderrLog, opts.policy);
  const accounts = await Accounts.open({ ...opts, policy: accountPolicy });
  const idleLockSeconds = idleTimeoutFrom(opts.idleLockSecondsOverride, policy.values.maxIdleMinutes * 60);
  const realSync = opts.sync ? null : createSyncRuntime(accounts, policy, opts.syncOptions);
  const syncRuntime = opts.sync ?? realSync!;
  const router = new Router(accounts, handlers, {
    log: opts.log,
    clipboard: opts.clipboard && new SecretClipboard(opts.clipboard),
    openExternal: opts.openExternal,
    policy,
    idleLockSeconds,
    providerRuntime: opts.providerRuntime,
    toolCaller: opts.toolCaller ?? policyCheckedToolCaller(policy),
    sync: syncRuntime,
  });
  router.workflows.scheduler.start();
  const control = opts.control ? await startControlServer({ dataDir: opts.dataDir, router, log: opts.log }) : null;
  return {
    accounts,
    router,
    policy,
    idleLockSeconds,
    control,
    close() {
      control?.close();
      router.workflows.scheduler.stop();
      router.lockAll('closed');
      realSync?.stopAll();
      accounts.close();
    },
  };
}
