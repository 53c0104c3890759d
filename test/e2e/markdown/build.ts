import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

/**
 * Builds the test-only fixture page (index.html + fixture.tsx here) into a temporary directory,
 * never into dist/renderer, with the app's build settings that matter under the CSP: no inline
 * script or style, every asset a file. Returns the directory and Vite's manifest.
 */
export interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
export type Manifest = Record<string, ManifestChunk>;

const FIXTURE_ROOT = fileURLToPath(new URL('.', import.meta.url));

export async function buildMarkdownFixture(): Promise<{ dir: string; manifest: Manifest }> {
  const dir = mkdtempSync(join(tmpdir(), 'cubby-markdown-fixture-'));
  await build({
    configFile: false,
    root: FIXTURE_ROOT,
    base: './',
    logLevel: 'warn',
    plugins: [react()],
    build: {
      outDir: dir,
      emptyOutDir: false,
      sourcemap: false,
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      target: 'chrome120',
      manifest: true,
    },
  });
  return { dir, manifest: readManifest(dir) };
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, '.vite', 'manifest.json'), 'utf8')) as Manifest;
}
