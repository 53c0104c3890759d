import { hastText, type HastLike } from './hastText';

/**
 * Rehype plugins that shape the model's tree for the page it sits in. Plain tree walks over
 * hast, so they add no dependency to the Markdown chunk.
 */

function walk(node: HastLike, visit: (node: HastLike, parent: HastLike | null) => void, parent: HastLike | null = null): void {
  visit(node, parent);
  for (const child of [...(node.children ?? [])]) walk(child, visit, node);
}

/**
 * No ids or id references in model output. GFM footnotes add them (the same "footnote-label" in
 * every message), and an id chosen by the model could shadow one of the app's (DOM clobbering).
 * Footnote links render inert anyway, so nothing refers to them.
 */
export function stripIds() {
  return (tree: HastLike) =>
    walk(tree, (node) => {
      if (!node.properties) return;
      delete node.properties['id'];
      delete node.properties['ariaDescribedBy'];
      delete node.properties['ariaLabelledBy'];
    });
}

const HEADING = /^h([1-6])$/;

/**
 * The model's headings fitted under the page's outline: the levels it uses, in rank order, map to
 * consecutive levels from `top` down (capped at 6), and no heading goes more than one level below
 * the one before it. An answer that opens with "###" or skips from "#" to "###" then neither
 * claims the page's main heading nor leaves a gap in the outline. A heading with no text ("##"
 * alone) is left out: it would be an empty stop for a screen reader.
 */
export function fitHeadings(options: { top: number }) {
  const top = Math.min(6, Math.max(1, Math.trunc(options.top)));
  return (tree: HastLike) => {
    const headings: HastLike[] = [];
    walk(tree, (node, parent) => {
      if (node.type !== 'element' || !HEADING.test(node.tagName ?? '')) return;
      if (hastText(node).trim() !== '') headings.push(node);
      else if (parent?.children) parent.children.splice(parent.children.indexOf(node), 1);
    });
    const ranks = [...new Set(headings.map((h) => Number(HEADING.exec(h.tagName!)![1])))].sort((a, b) => a - b);
    let previous = top - 1;
    for (const h of headings) {
      const rank = ranks.indexOf(Number(HEADING.exec(h.tagName!)![1]));
      previous = Math.min(6, top + rank, previous + 1);
      h.tagName = `h${previous}`;
    }
  };
}
