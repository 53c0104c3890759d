/**
 * Bundle sizes (issue 9): what the sign-in screen downloads and what waits until after sign-in.
 * Builds the renderer afresh with the real vite.config.ts into a temporary directory (not
 * dist/renderer) and reads Vite's manifest: the login bundle is the entry chunk and everything it
 * imports statically, with their CSS; a lazy chunk is what a dynamic import adds on top. The
 * Markdown renderer is measured from the app build once the app imports it, and until then from
 * the test fixture (test/e2e/markdown), which loads it through the same lazy wrapper.
 * Figures are printed (raw and gzip -9), never asserted.
 */
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { buildMarkdownFixture, readManifest, type Manifest, type ManifestChunk } from '../e2e/markdown/build';
import { fmt, table, title } from './report';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MARKDOWN_MODULE = 'components/markdown/ModelMarkdown.tsx';

interface Size {
  files: number;
  raw: number;
  gzip: number;
}

/** Manifest keys reachable from `start` through static imports. */
function staticClosure(manifest: Manifest, start: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key) || !manifest[key]) return;
    seen.add(key);
    for (const dep of manifest[key]!.imports ?? []) visit(dep);
  };
  start.forEach(visit);
  return seen;
}

function sizeOf(dir: string, manifest: Manifest, keys: Iterable<string>): Size {
  const files = new Set<string>();
  for (const key of keys) {
    const chunk: ManifestChunk = manifest[key]!;
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
  }
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(join(dir, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { files: files.size, raw, gzip };
}

const kib = (n: number) => fmt(n / 1024, 1);
const row = (label: string, s: Size) => [label, String(s.files), kib(s.raw), kib(s.gzip)];

/** The lazily loaded part for a module: its chunk and the static imports the page had not loaded yet. */
function lazyPart(manifest: Manifest, moduleKey: string, loaded: Set<string>): Set<string> {
  return new Set([...staticClosure(manifest, [moduleKey])].filter((k) => !loaded.has(k)));
}

export async function benchBundles(): Promise<void> {
  title('Bundle sizes: login versus after sign-in (fresh vite build, KiB)');
  const outDir = mkdtempSync(join(tmpdir(), 'cubby-bench-bundles-'));
  let fixtureDir: string | null = null;
  try {
    await build({
      configFile: join(ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, manifest: true },
    });
    const app = readManifest(outDir);
    const entries = Object.keys(app).filter((k) => app[k]!.isEntry);
    const login = staticClosure(app, entries);
    const rows = [row('login (entry + static imports, JS + CSS)', sizeOf(outDir, app, login))];

    const lazyKeys = Object.keys(app).filter((k) => app[k]!.isDynamicEntry);
    const afterSignIn = new Set(lazyKeys.flatMap((k) => [...lazyPart(app, k, login)]));
    rows.push(row('after sign-in (all lazy chunks of the app)', sizeOf(outDir, app, afterSignIn)));

    const inApp = Object.keys(app).find((k) => k.endsWith(MARKDOWN_MODULE));
    let markdown: Size;
    let source: string;
    if (inApp) {
      markdown = sizeOf(outDir, app, lazyPart(app, inApp, login));
      source = 'the app build';
    } else {
      const fixture = await buildMarkdownFixture();
      fixtureDir = fixture.dir;
      const m = fixture.manifest;
      const key = Object.keys(m).find((k) => k.endsWith(MARKDOWN_MODULE));
      if (!key) throw new Error('bench: the fixture build has no Markdown chunk');
      const loaded = staticClosure(
        m,
        Object.keys(m).filter((k) => m[k]!.isEntry),
      );
      markdown = sizeOf(fixture.dir, m, lazyPart(m, key, loaded));
      source = 'the test fixture build (the app does not import it yet)';
    }
    rows.push(row('Markdown renderer + highlighter (lazy chunk)', markdown));
    const loginSize = sizeOf(outDir, app, login);
    rows.push(row('login if Markdown were not split (sum)', { files: loginSize.files + markdown.files, raw: loginSize.raw + markdown.raw, gzip: loginSize.gzip + markdown.gzip }));
    table(['bundle', 'files', 'raw', 'gzip -9'], rows);
    console.log(`Markdown chunk measured from ${source}. Lazy chunks in the app today: ${lazyKeys.length}.`);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
    if (fixtureDir) rmSync(fixtureDir, { recursive: true, force: true });
  }
}
