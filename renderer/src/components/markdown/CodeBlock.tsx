import { useEffect, useRef, useState, type ReactNode } from 'react';
import { codeLanguage, hastText, type HastLike } from './hastText';

/**
 * A fenced code block: language, a Copy button (the text goes to the caller, and main copies it),
 * and the highlighted code. The <pre> is focusable so a keyboard can scroll long lines.
 */
export function CodeBlock(props: { node: HastLike | undefined; children: ReactNode; onCopyCode: ((code: string) => unknown) | undefined }) {
  const code = props.node?.children?.find((c) => c.type === 'element' && c.tagName === 'code');
  const language = code ? codeLanguage(code) : null;
  const text = (code ? hastText(code) : '').replace(/\n$/, '');
  const [copied, setCopied] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async () => {
    if (!props.onCopyCode) return;
    try {
      const result = await props.onCopyCode(text);
      if (result === false) return;
    } catch {
      return;
    }
    setCopied(true);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setCopied(false), 2000);
  };

  const label = language ?? 'code';
  return (
    <div className="md-code">
      <div className="md-code-bar">
        <span className="md-code-lang">{label}</span>
        {props.onCopyCode ? (
          <button type="button" className="btn btn-small btn-ghost md-code-copy" aria-label={copied ? `Copied ${label} code` : `Copy ${label} code`} onClick={() => void copy()}>
            {copied ? 'Copied' : 'Copy'}
          </button>
        ) : null}
      </div>
      <pre tabIndex={0}>
        {props.children}
      </pre>
    </div>
  );
}
