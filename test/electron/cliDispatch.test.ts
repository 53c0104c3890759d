import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import * as fake from './fakeElectron';

/**
 * `Cubby --cli ...` inside Electron (the recording fake): the entry runs the command line and
 * exits with its code, without a window, the single-instance lock, the sandbox switch or the
 * custom scheme, and with the app's own userData folder as the default data directory.
 */
vi.mock('electron', async () => await import('./fakeElectron'));

const argv = process.argv;
const hadElectron = Object.prototype.hasOwnProperty.call(process.versions, 'electron');
let lockRequests = 0;
let stderr = '';

beforeAll(() => {
  Object.defineProperty(process.versions, 'electron', { value: '45.0.0', configurable: true });
  fake.app.requestSingleInstanceLock = () => {
    lockRequests++;
    return true;
  };
  fake.app.paths.set('userData', '/nonexistent/cubby-user-data');
  delete process.env.CUBBY_DATA_DIR;
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown, ...rest: unknown[]) => {
    stderr += String(chunk);
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  });
});

afterAll(() => {
  process.argv = argv;
  if (!hadElectron) delete (process.versions as Record<string, string>).electron;
  vi.restoreAllMocks();
});

it('runs the command and exits with its code, opening nothing', async () => {
  // As the Linux launcher starts it: switches first, then --cli and the command.
  process.argv = ['/opt/Cubby/cubby', '--ozone-platform=headless', '--disable-gpu', '--cli', 'users', '--admin', 'ada'];
  await import('../../main/electron/main');
  expect(fake.app.exitCode).toBe(1);
  // The default data directory is the app's userData: not set up there.
  expect(stderr).toMatch(/^error NOT_SET_UP: There is no Cubby data directory there\./);
  expect(lockRequests).toBe(0);
  expect(fake.app.sandboxEnabled).toBe(false);
  expect(fake.privilegedSchemes).toEqual([]);
  expect(fake.FakeBrowserWindow.getAllWindows()).toEqual([]);
  expect(fake.ipcHandlers.size).toBe(0);
  expect(fake.app.quitCalls).toBe(0);
});

it('exits 0 when the command succeeds, and 2 on a usage mistake', async () => {
  const { runCliInApp } = await import('../../main/electron/cliEntry');
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((_chunk: unknown, ...rest: unknown[]) => {
    (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
    return true;
  });
  await runCliInApp(['groups', '--help']);
  expect(fake.app.exitCode).toBe(0);
  expect(String(out.mock.calls[0]?.[0])).toMatch(/^Usage: cubby groups /);
  await runCliInApp(['users', '--password', 'x']);
  expect(fake.app.exitCode).toBe(2);
  expect(lockRequests).toBe(0);
});
