import { lazy, Suspense } from 'react';
import type { ModelMarkdownProps } from './types';

export type { ModelMarkdownProps } from './types';

/**
 * The Markdown renderer and its highlighter are a chunk of their own, fetched the first time an
 * answer is shown: nothing on the sign-in path imports this module's target, so the login
 * bundle does not carry react-markdown, micromark or lowlight. Until the chunk arrives the
 * text shows as plain text.
 */
const ModelMarkdown = lazy(() => import('./ModelMarkdown'));

export function LazyModelMarkdown(props: ModelMarkdownProps) {
  return (
    <Suspense fallback={<div className="md md-pending">{props.text}</div>}>
      <ModelMarkdown {...props} />
    </Suspense>
  );
}
