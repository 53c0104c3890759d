/**
 * `<app binary> --cli <command> [options]`: how the packaged app (and `node main.js --cli` in
 * tests) tells the command line from a normal start. Pure, so the entry can decide before
 * anything loads Electron, opens a window or takes the single-instance lock.
 */

/**
 * Chromium and Electron switches a launcher may add (e.g. `--ozone-platform=headless
 * --disable-gpu` so no display is needed). Chromium reads them from the process command line
 * itself; the command line's own parser must not see them.
 */
const CHROMIUM_SWITCH =
  /^--(ozone-platform|ozone-platform-hint|disable-gpu|disable-gpu-compositing|disable-software-rasterizer|headless|no-sandbox|no-zygote|disable-dev-shm-usage|in-process-gpu|use-gl|use-angle|enable-features|disable-features|enable-logging|log-level|v|vmodule|lang|force-device-scale-factor|enable-wayland-ime|disable-crash-reporter|no-first-run)(=.*)?$/;

/** macOS adds a process serial number when an app is started from Finder. */
const MAC_PSN = /^-psn_\d+_\d+$/;

export function isChromiumSwitch(arg: string): boolean {
  return CHROMIUM_SWITCH.test(arg) || MAC_PSN.test(arg);
}

/**
 * The command line's own arguments when argv asks for it, else null. Everything before `--cli`
 * (the executable, the app path in development, switches) is not the command line's business.
 */
export function cliArgvOf(argv: readonly string[]): string[] | null {
  const at = argv.indexOf('--cli', 1);
  if (at < 0) return null;
  return argv.slice(at + 1).filter((a) => !isChromiumSwitch(a));
}
