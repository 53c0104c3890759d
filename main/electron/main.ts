/**
 * Cubby's Electron entry (bundled to dist/main/electron/main.js). It first decides whether this
 * start is the command line (`Cubby --cli <command> ...`), before anything loads Electron's API,
 * opens a window or takes the single-instance lock, and then loads only that part: the shell
 * (shell.ts) or the command line (cliEntry.ts). This module itself imports nothing from Electron.
 */
import { cliArgvOf } from '../cli/dispatch';

const cliArgv = cliArgvOf(process.argv);
if (cliArgv) {
  const { runCliInApp } = await import('./cliEntry');
  await runCliInApp(cliArgv);
} else {
  await import('./shell');
}
