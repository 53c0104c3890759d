import { Component, lazy, Suspense, type ReactNode } from 'react';
import type { ModelMarkdownProps } from './types';

export type { ModelMarkdownProps } from './types';

/**
 * The Markdown renderer and its highlighter are a chunk of their own, fetched the first time an
 * answer is shown: nothing on the sign-in path imports this module's target, so the login
 * bundle does not carry react-markdown, micromark or lowlight. Until the chunk arrives, and if
 * it cannot load or rendering fails, the text shows as plain text.
 */
const ModelMarkdown = lazy(() => import('./ModelMarkdown'));

/** Model text the renderer could not handle is still the person's answer: show it as text, keep the page. */
class PlainTextOnError extends Component<{ text: string; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? <div className="md md-plain">{this.props.text}</div> : this.props.children;
  }
}

export function LazyModelMarkdown(props: ModelMarkdownProps) {
  return (
    <PlainTextOnError text={props.text}>
      <Suspense fallback={<div className="md md-plain">{props.text}</div>}>
        <ModelMarkdown {...props} />
      </Suspense>
    </PlainTextOnError>
  );
}
