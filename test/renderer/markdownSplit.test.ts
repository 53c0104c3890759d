import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The Markdown renderer is a lazy chunk: only its lazy wrapper (components/markdown/index.tsx)
 * may name ModelMarkdown, and only that module may import the Markdown libraries. A static
 * import anywhere else would pull react-markdown, micromark and lowlight into the login bundle.
 * (npm run bench prints the sizes that result.)
 */
const SRC = fileURLToPath(new URL('../../renderer/src', import.meta.url));
const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.(ts|tsx)$/.test(f))
  .map((f) => ({ path: relative(SRC, join(SRC, f)).replaceAll('\\', '/'), text: readFileSync(join(SRC, f), 'utf8') }));

const importsOf = (text: string) => [...text.matchAll(/\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm)].map((m) => ({ spec: m[1] ?? m[2] ?? m[3]!, dynamic: m[2] !== undefined }));

describe('Markdown code splitting', () => {
  it('finds the renderer sources', () => {
    expect(files.some((f) => f.path === 'components/markdown/ModelMarkdown.tsx')).toBe(true);
    expect(files.some((f) => f.path === 'main.tsx')).toBe(true);
  });

  it('imports the Markdown libraries only from ModelMarkdown.tsx', () => {
    const offenders = files
      .filter((f) => f.path !== 'components/markdown/ModelMarkdown.tsx')
      .filter((f) => importsOf(f.text).some((i) => /^(react-markdown|remark-|rehype-|lowlight|highlight\.js|micromark|mdast-|hast-)/.test(i.spec)));
    expect(offenders.map((f) => f.path)).toEqual([]);
  });

  it('reaches ModelMarkdown only through a dynamic import', () => {
    const importers = files.flatMap((f) =>
      importsOf(f.text)
        .filter((i) => /(^|\/)ModelMarkdown$/.test(i.spec))
        .map((i) => `${f.path}${i.dynamic ? ' (dynamic)' : ''}`),
    );
    expect(importers).toEqual(['components/markdown/index.tsx (dynamic)']);
  });
});
