/**
 * The command line inside the app binary: `Cubby --cli <command> [options]`. No window, no
 * single-instance lock (the running app holds that; the command line talks to it over the
 * control channel instead), nothing of Chromium but what Electron starts by itself.
 */
import { runCli } from '../cli/run';

/** Let what the command printed reach a pipe before the process ends. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

export async function runCliInApp(argv: string[]): Promise<void> {
  if (!process.versions.electron) {
    // The bundle under plain Node (tests, a checkout): no Electron API is touched at all.
    process.exitCode = await runCli(argv, { keychainService: process.env.CUBBY_KEYCHAIN_SERVICE });
    return;
  }
  const { app } = await import('electron');
  app.dock?.hide();
  const code = await runCli(argv, {
    // The data directory the app itself uses for this OS account, as the shell does without CUBBY_DATA_DIR.
    defaultDataDir: () => app.getPath('userData'),
    // As in the shell: an installed app always uses its own keychain entries.
    keychainService: app.isPackaged ? undefined : process.env.CUBBY_KEYCHAIN_SERVICE,
  });
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  app.exit(code);
}
