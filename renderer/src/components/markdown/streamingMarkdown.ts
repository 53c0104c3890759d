/**
 * Markdown that is still streaming in is usually cut in the middle of something. Rendered as is,
 * the cut flickers: a lone "-" under a line turns that line into a heading for one frame, a "## "
 * is an empty heading until its words arrive, a link
 * shows as "[text](https://exa" and then jumps, a bare URL becomes a link to half an address.
 * This returns what to render for a partial answer: an open code fence is closed, and a trailing
 * construct that is not finished yet is held back (or shown as its plain label) until it is.
 * Only for text that is still growing; a finished answer renders exactly as written.
 */

/** A fence line, also inside block quotes and list items: its marker and what follows it. */
const FENCE = /^(?:[ \t]*>)*[ \t]*(`{3,}|~{3,})(.*)$/;

/** A last line of only "-" or "=": the start of a setext underline, a rule or a list item. */
const PARTIAL_UNDERLINE = /^ {0,3}(?:-+|=+)[ \t]*$/;

/** A heading marker whose text has not arrived: it would render as an empty heading. */
const EMPTY_HEADING = /^ {0,3}#{1,6}[ \t]*$/;

/** A line that may be the first characters of a fence: one or two backticks or tildes. */
const PARTIAL_FENCE = /^(?:[ \t]*>)*[ \t]*(?:`{1,2}|~{1,2})$/;

/** "[label](" or "![alt](" with the destination not closed yet, at the end of the line. */
const PARTIAL_LINK = /(!?)\[([^[\]\n]*)\]\([^()\n]*$/;

/** The start of what GFM would turn into a link by itself: a URL, www. or an e-mail address. */
const AUTOLINK_START = /^[<(*_~]*(?:[a-z][a-z0-9+.-]*:|www\.)|\S@/i;

interface OpenFence {
  char: string;
  length: number;
}

/** The fence still open at the end of `lines`, or null. */
function openFenceAtEnd(lines: readonly string[]): OpenFence | null {
  let open: OpenFence | null = null;
  for (const line of lines) {
    const m = FENCE.exec(line);
    if (!m) continue;
    const marker = m[1]!;
    const rest = m[2]!;
    if (open === null) {
      // A backtick fence's info string may not hold a backtick (then it is inline code).
      if (marker[0] === '`' && rest.includes('`')) continue;
      open = { char: marker[0]!, length: marker.length };
    } else if (marker[0] === open.char && marker.length >= open.length && rest.trim() === '') {
      open = null;
    }
  }
  return open;
}

/** True when `index` in `line` sits inside an inline code span that is still open. */
function insideOpenCodeSpan(line: string, index: number): boolean {
  let ticks = 0;
  for (let i = 0; i < index; i++) if (line[i] === '`') ticks++;
  return ticks % 2 === 1;
}

/** The last line with its unfinished tail held back. */
function settleLastLine(line: string): string {
  if (PARTIAL_UNDERLINE.test(line) || PARTIAL_FENCE.test(line) || EMPTY_HEADING.test(line)) return '';
  let settled = line;
  const link = PARTIAL_LINK.exec(settled);
  if (link && !insideOpenCodeSpan(settled, link.index)) {
    settled = settled.slice(0, link.index) + link[2]!;
  }
  // A word still arriving that would become a link (to a half-written address) when rendered.
  const word = /\S+$/.exec(settled);
  if (word && AUTOLINK_START.test(word[0]) && !insideOpenCodeSpan(settled, word.index)) {
    settled = settled.slice(0, word.index);
  }
  return settled;
}

export function stabilizeStreamingMarkdown(text: string): string {
  const lines = text.split('\n');
  const fence = openFenceAtEnd(lines);
  if (fence !== null) {
    // The last line may be the first characters of the closing fence: leave it out.
    const last = lines[lines.length - 1]!;
    if (last.length > 0 && last.trim().length < fence.length && last.trim() === fence.char.repeat(last.trim().length)) {
      lines.pop();
    }
    const body = lines.join('\n');
    return `${body}${body.endsWith('\n') ? '' : '\n'}${fence.char.repeat(fence.length)}`;
  }
  lines[lines.length - 1] = settleLastLine(lines[lines.length - 1]!);
  return lines.join('\n');
}
