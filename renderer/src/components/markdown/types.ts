/** Props of the model-output renderer (see ModelMarkdown.tsx). */
export interface ModelMarkdownProps {
  /** The model's text: untrusted, possibly hostile, possibly cut mid-way while streaming. */
  text: string;
  /** True while the answer is still arriving: unfinished constructs are held back (streamingMarkdown.ts). */
  streaming?: boolean;
  /**
   * Called with an absolute http(s) URL when the person activates a link (click or Enter).
   * The renderer never navigates or opens anything itself; main decides whether to open it.
   * Without it, links render as plain text.
   */
  onOpenLink?: (url: string) => void;
  /** Called with a code block's text for its Copy button; main copies. Without it, no Copy button. */
  onCopyCode?: (code: string) => unknown;
  /**
   * The level the answer's top heading takes (default 2: under the page's h1);
   * the answer's other heading levels follow without gaps, down to h6.
   */
  headingLevel?: number;
  /** Extra class on the container. */
  className?: string;
}
