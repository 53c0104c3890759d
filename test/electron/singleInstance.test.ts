import { expect, it, vi } from 'vitest';
import * as fake from './fakeElectron';

/**
 * A second launch while Cubby runs must not open a second app over the same data: it loses the
 * single-instance lock and quits before it touches the keychain, the catalog or a window.
 */
vi.mock('electron', async () => await import('./fakeElectron'));

it('a second launch quits at once and opens nothing', async () => {
  fake.app.singleInstance = false;
  process.env.CUBBY_DATA_DIR = '/nonexistent/cubby-second-instance';
  try {
    await import('../../main/electron/main');
    fake.app.fireReady();
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.app.quitCalls).toBe(1);
    expect(fake.FakeBrowserWindow.getAllWindows()).toEqual([]);
    expect(fake.ipcHandlers.size).toBe(0);
    expect(fake.errorBoxes).toEqual([]);
  } finally {
    delete process.env.CUBBY_DATA_DIR;
  }
});
