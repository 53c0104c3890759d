/** The minimal hast shape the renderer reads: elements with class names and text nodes. */
export interface HastLike {
  type: string;
  tagName?: string;
  value?: string;
  properties?: Record<string, unknown>;
  children?: HastLike[];
}

/** Text content of a hast subtree (a highlighted code block is spans around the original text). */
export function hastText(node: HastLike): string {
  if (node.type === 'text') return node.value ?? '';
  return (node.children ?? []).map(hastText).join('');
}

/** The language named by a code element's "language-*" class, if any. */
export function codeLanguage(node: HastLike): string | null {
  const classes = node.properties?.['className'];
  if (!Array.isArray(classes)) return null;
  for (const c of classes) if (typeof c === 'string' && c.startsWith('language-')) return c.slice('language-'.length) || null;
  return null;
}
