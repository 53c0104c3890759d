// Bundles the Electron shell (npm run build:electron):
//   main/electron/main.ts -> dist/main/electron/main.js  (ESM, as package.json says "type": "module")
//   preload/preload.ts    -> dist/preload/preload.cjs    (CJS: a sandboxed preload may require only 'electron')
// Native modules stay external (electron-builder rebuilds them for Electron and unpacks them
// from the asar). The check at the end fails the build if a bundle would load anything else.
//
// The main bundle is one file with two lazily loaded parts (the shell and the command line;
// main.ts picks one). Electron is loaded with require() where the shell first uses it, not by a
// static import at the top of the file: under plain Node `electron` is the npm package (a path
// string), and `node dist/main/electron/main.js --cli ...` must run without ever loading it.
import { rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
// `--out <dir>` (relative to the repo; default dist): tests build their own copy there, so two
// test files building at once never delete each other's bundle.
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? process.argv[outArg + 1].replace(/\/+$/, '') : 'dist';
const NATIVE = ['better-sqlite3-multiple-ciphers', 'keytar', '@node-rs/argon2'];
const MAIN_EXTERNAL = ['electron', ...NATIVE];
const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** `import ... from 'electron'` -> a CommonJS module that require()s Electron when first used. */
const lazyElectron = {
  name: 'lazy-electron',
  setup(b) {
    b.onResolve({ filter: /^electron$/ }, (args) =>
      args.namespace === 'lazy-electron' ? { path: 'electron', external: true } : { path: 'electron', namespace: 'lazy-electron' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-electron' }, () => ({ contents: "module.exports = require('electron');", loader: 'js' }));
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
  sourcemap: false,
};

rmSync(`${root}${out}/main/electron`, { recursive: true, force: true });
rmSync(`${root}${out}/preload`, { recursive: true, force: true });

const [main, preload] = await Promise.all([
  build({
    ...common,
    entryPoints: ['main/electron/main.ts'],
    outfile: `${out}/main/electron/main.js`,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: NATIVE,
    plugins: [lazyElectron],
    // Bundled CommonJS code may require() Node built-ins; ESM has no require of its own.
    banner: { js: "import { createRequire as __cubbyRequire } from 'node:module'; const require = __cubbyRequire(import.meta.url);" },
  }),
  build({
    ...common,
    entryPoints: ['preload/preload.ts'],
    outfile: `${out}/preload/preload.cjs`,
    platform: 'browser',
    format: 'cjs',
    target: 'chrome130',
    external: ['electron'],
    // Parsed again in every window (each is a fresh renderer): keep it small.
    minify: true,
  }),
]);

/** Every module a bundle leaves for the runtime to load. */
function externals(result) {
  const found = new Set();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imp of output.imports) if (imp.external) found.add(imp.path);
  }
  return [...found].sort();
}

const problems = [
  ...externals(main)
    .filter((m) => !MAIN_EXTERNAL.includes(m) && !BUILTINS.has(m))
    .map((m) => `main bundle loads unexpected module: ${m}`),
  ...externals(preload)
    .filter((m) => m !== 'electron')
    .map((m) => `preload bundle loads a module other than electron: ${m}`),
];
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(`main    -> ${out}/main/electron/main.js (external: ${externals(main).join(', ')})`);
console.log(`preload -> ${out}/preload/preload.cjs (external: ${externals(preload).join(', ')})`);
