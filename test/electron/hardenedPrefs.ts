/**
 * What every window's webPreferences must say (design brief, "Processes and the bridge"),
 * written down here independently of main/electron/windows.ts so the tests check the shell
 * against the requirement, not against itself. Shared by the fake-Electron and the real-Electron tests.
 */
export const HARDENED_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  webviewTag: false,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const;
