/**
 * The fake provider's embedding model: a deterministic bag of words that knows synonyms. Each
 * synonym group of SYNONYM_GROUPS has its own dimension, so "car" and "automobile" land on the
 * same one (cosine finds what full-text search cannot); any other word is hashed into the
 * dimensions after them. The model id permutes the dimensions: two models give different vectors.
 */
export const EMBEDDING_DIMS = 384;

/** [the word facts use, the word questions use]: no question word is found inside any fact word. */
export const SYNONYM_GROUPS: readonly (readonly [string, string])[] = [
  // subjects
  ['car', 'automobile'],
  ['dog', 'hound'],
  ['house', 'residence'],
  ['doctor', 'physician'],
  ['lawyer', 'attorney'],
  ['boat', 'vessel'],
  ['sofa', 'couch'],
  ['shop', 'store'],
  ['child', 'youngster'],
  ['bike', 'bicycle'],
  // qualities
  ['big', 'large'],
  ['small', 'tiny'],
  ['fast', 'quick'],
  ['old', 'ancient'],
  ['cheap', 'inexpensive'],
  ['rich', 'wealthy'],
  ['angry', 'furious'],
  ['happy', 'joyful'],
  ['smart', 'clever'],
  ['quiet', 'silent'],
  // places
  ['city', 'metropolis'],
  ['forest', 'woods'],
  ['beach', 'seashore'],
  ['mountain', 'peak'],
  ['river', 'stream'],
  ['village', 'hamlet'],
  ['garden', 'yard'],
  ['airport', 'airfield'],
  ['hospital', 'clinic'],
  ['school', 'academy'],
];

const GROUP_OF = new Map<string, number>(SYNONYM_GROUPS.flatMap(([a, b], i) => [[a, i], [b, i]] as [string, number][]));

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Unit-length vector of `text` for `model`; words are runs of letters (digits are ignored). */
export function fakeEmbedding(text: string, model = 'fake-embed'): number[] {
  const v = new Array<number>(EMBEDDING_DIMS).fill(0);
  const shift = fnv1a(model) % EMBEDDING_DIMS;
  for (const word of text.toLowerCase().match(/\p{L}+/gu) ?? []) {
    const group = GROUP_OF.get(word);
    const dim = group ?? SYNONYM_GROUPS.length + (fnv1a(word) % (EMBEDDING_DIMS - SYNONYM_GROUPS.length));
    v[(dim + shift) % EMBEDDING_DIMS]! += 1;
  }
  const norm = Math.hypot(...v);
  return norm ? v.map((x) => x / norm) : v;
}
