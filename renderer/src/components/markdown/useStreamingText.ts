import { useEffect, useRef, useState } from 'react';

/**
 * Parsing and highlighting the whole answer again costs about 12 ms at 2 KB and 45 ms at 20 KB
 * (renderToStaticMarkup, measured on the development machine), so re-rendering on every delta of a long answer
 * would eat the frame budget. While an answer streams it is re-rendered at most once per
 * interval that grows with its length; a finished answer renders at once.
 */
export function streamingRenderInterval(length: number): number {
  return Math.min(250, Math.max(16, Math.round(length / 150)));
}

/**
 * The text to render: `text` itself when finished or replaced, and while it grows, its latest
 * value at most once per interval.
 */
export function useStreamingText(text: string, streaming: boolean): string {
  const [shown, setShown] = useState(text);
  const latest = useRef(text);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  latest.current = text;
  // A text that does not extend what is shown (a retry started over) is shown at once.
  const replaced = !text.startsWith(shown);

  useEffect(() => {
    if (!streaming || replaced) {
      clearTimeout(timer.current);
      timer.current = undefined;
      setShown(text);
      return;
    }
    // A render is already due; it will take whatever the text is by then.
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      setShown(latest.current);
    }, streamingRenderInterval(latest.current.length));
  }, [text, streaming, replaced]);

  useEffect(() => () => clearTimeout(timer.current), []);
  return streaming && !replaced ? shown : text;
}
