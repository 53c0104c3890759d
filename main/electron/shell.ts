/**
 * The Electron shell: windows, protocol, IPC, power events. Loaded by main.ts when the app is
 * not started as the command line. Thin on purpose: everything that can run without Electron
 * lives in main/core and main/ipc and is tested under Node.
 */
import { join } from 'node:path';
import { app, clipboard, dialog, shell } from 'electron';
import { startCubby, type Cubby } from '../app';
import { isCubbyError } from '../core/errors';
import { KEYCHAIN_SERVICE, KeytarKeychain } from '../core/keys/keychain';
import { machinePolicySource } from '../core/policy/effective';
import { hardenAllWebContents } from './hardening';
import { installBridge } from './ipc';
import { shellPaths } from './paths';
import { installAutoLock } from './power';
import { registerAppScheme } from './protocol';
import { WindowManager } from './windows';

const dataDirOverride = process.env.CUBBY_DATA_DIR;
if (dataDirOverride) {
  // A data directory of its own (tests, portable setups) keeps Chromium's profile beside it,
  // away from the default one; it also scopes the single-instance lock.
  app.setPath('userData', join(dataDirOverride, 'chromium'));
}

// Before 'ready': the privileged scheme, and the OS sandbox for every renderer.
registerAppScheme();
app.enableSandbox();
hardenAllWebContents();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let cubby: Cubby | undefined;
  let windows: WindowManager | undefined;

  app.on('second-instance', () => windows?.focusOrOpen());
  app.on('activate', () => windows?.focusOrOpen());
  // Closing the last window ends every session; an unlocked vault never waits in the background.
  app.on('window-all-closed', () => app.quit());
  // From the moment quitting starts, a closing session must not open a replacement window.
  app.on('before-quit', () => windows?.closeAll());
  app.on('will-quit', () => {
    windows?.closeAll();
    cubby?.close();
  });

  app
    .whenReady()
    .then(async () => {
      // A packaged build ignores these three overrides: its keychain entries, idle timeout and
      // policy place are fixed. (CUBBY_DATA_DIR is honoured everywhere: IT may place the data on
      // another disk.) Tests in a checkout use their own keychain service, timeout and policy file.
      const dev = !app.isPackaged;
      const service = (dev && process.env.CUBBY_KEYCHAIN_SERVICE) || KEYCHAIN_SERVICE;
      cubby = await startCubby({
        dataDir: dataDirOverride || app.getPath('userData'),
        keychain: new KeytarKeychain(service),
        clipboard,
        openExternal: (url) => shell.openExternal(url),
        control: true,
        machinePolicy: machinePolicySource(dev),
        idleLockSecondsOverride: dev ? process.env.CUBBY_IDLE_LOCK_SECONDS : undefined,
      });
      windows = new WindowManager(cubby.router, shellPaths(import.meta.url));
      installBridge(cubby.router, windows);
      installAutoLock(cubby.router, cubby.idleLockSeconds);
      windows.openLoginWindow();
    })
    .catch((e: unknown) => {
      // Only a CubbyError's message is meant for people; anything else may carry paths.
      const message = isCubbyError(e) ? e.message : 'Cubby could not start. Try again; if it keeps happening, reinstall Cubby.';
      dialog.showErrorBox('Cubby', message);
      app.exit(1);
    });
}
