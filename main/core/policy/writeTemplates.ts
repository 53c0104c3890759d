/** `npm run policy:templates`: write the generated policy templates to build/policy. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTemplates } from './templates';

export const TEMPLATE_DIR = fileURLToPath(new URL('../../../build/policy/', import.meta.url));

for (const [name, text] of Object.entries(renderTemplates())) {
  const file = join(TEMPLATE_DIR, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote build/policy/${name}`);
}
