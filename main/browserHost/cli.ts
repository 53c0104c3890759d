/**
 * `npm run dev:browser`: the renderer in a normal browser, over the same contract and router.
 * Data goes to CUBBY_DATA_DIR (default ./.cubby-data). Development and tests only.
 */
import { resolve } from 'node:path';
import { startCubby } from '../app';
import { KeytarKeychain } from '../core/keys/keychain';
import { parseLocalServerPorts } from './localServerPorts';
import { startBrowserHost } from './server';

const dataDir = resolve(process.env.CUBBY_DATA_DIR ?? '.cubby-data');
const rendererDir = resolve(process.env.CUBBY_RENDERER_DIR ?? 'dist/renderer');
const port = process.env.CUBBY_PORT ? Number(process.env.CUBBY_PORT) : 0;
// Test-only: a fake "local" Ollama / LM Studio on another port (never read by the Electron app).
const localServerPorts = parseLocalServerPorts(process.env.CUBBY_LOCAL_SERVER_PORTS);

const cubby = await startCubby({
  dataDir,
  keychain: new KeytarKeychain(process.env.CUBBY_KEYCHAIN_SERVICE),
  log: { error: (m) => console.error(m) },
  control: true,
  ...(localServerPorts ? { providerRuntime: { localServerPorts } } : {}),
});
const host = await startBrowserHost({ router: cubby.router, rendererDir, port });
console.log(`Cubby (browser host) for ${dataDir}`);
console.log(host.url);

const stop = async () => {
  await host.close();
  cubby.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
