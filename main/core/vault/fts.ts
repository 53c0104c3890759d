/**
 * Building FTS5 queries from what a person typed, and reading highlighted snippets back.
 * The vault's FTS tables use the trigram tokenizer: any script matches (German, Greek, Japanese
 * without spaces), case-insensitively, but a term needs at least 3 characters.
 */

/** Unicode noncharacters (reserved for internal use): they never come from a keyboard or a model in practice. */
export const MATCH_START = '\uFDD0';
export const MATCH_END = '\uFDD1';

/** A snippet as plain text parts, some marked as the match: the UI renders them as text nodes. */
export type SnippetPart = { text: string; match: boolean };

export const MIN_TERM_CHARS = 3;

/** Terms of at least 3 characters, each as an FTS5 string (quotes doubled), so no query syntax gets through. */
export function ftsTerms(input: string, stopWords: ReadonlySet<string> = new Set()): string[] {
  const terms = input
    .normalize('NFC')
    .split(/[\s\p{P}\p{S}]+/u)
    .filter((t) => [...t].length >= MIN_TERM_CHARS && !stopWords.has(t.toLowerCase()));
  return [...new Set(terms.map((t) => `"${t.replace(/"/g, '""')}"`))];
}

/** Every term must match (search box). null when nothing searchable was typed. */
export function allTermsQuery(input: string): string | null {
  const terms = ftsTerms(input);
  return terms.length ? terms.join(' AND ') : null;
}

/** Any term may match; bm25 ranks facts matching more and rarer terms first (memory retrieval). */
export function anyTermQuery(input: string, stopWords: ReadonlySet<string>): string | null {
  const terms = ftsTerms(input, stopWords).slice(0, 64);
  return terms.length ? terms.join(' OR ') : null;
}

export function snippetParts(marked: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let rest = marked;
  while (rest.length) {
    const start = rest.indexOf(MATCH_START);
    if (start < 0) {
      parts.push({ text: rest, match: false });
      break;
    }
    if (start > 0) parts.push({ text: rest.slice(0, start), match: false });
    const end = rest.indexOf(MATCH_END, start + 1);
    const stop = end < 0 ? rest.length : end;
    parts.push({ text: rest.slice(start + 1, stop), match: true });
    rest = rest.slice(stop + 1);
  }
  return parts.filter((p) => p.text.length > 0);
}

/** Common English words that would otherwise make every fact "relevant". */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `the and for are but not you all any can had her was one our out has have him his how its may new now old see two who
  did get let put say she too use what when where which while with would could should there their them then than this that
  these those from into about after again also been being both does doing each just more most much must only other over same
  some such very will your yours mine myself know tell like want need please thanks thank hello hey`.split(/\s+/),
);
