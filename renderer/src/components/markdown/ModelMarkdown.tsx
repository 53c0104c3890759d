import { createContext, memo, useContext, useMemo, type CSSProperties, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import Markdown, { type Components } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import remarkGfm from 'remark-gfm';
import { CodeBlock } from './CodeBlock';
import { fitHeadings, stripIds } from './treePlugins';
import type { HastLike } from './hastText';
import { openableUrl } from './safeUrl';
import { stabilizeStreamingMarkdown } from './streamingMarkdown';
import type { ModelMarkdownProps } from './types';
import { useStreamingText } from './useStreamingText';
import '../../styles/markdown.css';

/**
 * Model output as Markdown, safe for untrusted text under the app's CSP (no inline style, no
 * remote fetch, no navigation):
 * - Raw HTML is never parsed into elements: react-markdown shows it as the literal text it is
 *   (no rehype-raw), so <script>, <img onerror>, <iframe> and friends are just characters.
 * - Links are <a> elements without href: nothing to follow, middle-click, drag or open in a new
 *   window. Activating one (click, Enter) hands its absolute http(s) URL to onOpenLink; any other
 *   destination renders as plain text.
 * - Images are never loaded: each shows as a link to its address, labelled with its alt text.
 * - Code is highlighted by lowlight into classes (styles/markdown.css); table alignment becomes a
 *   class too, since a style attribute would break `style-src 'self'`.
 * - Only the elements GFM Markdown produces are kept, whatever a plugin might add; no ids, no
 *   form controls (a task's checkbox is a symbol), and headings fitted under the page's outline.
 */

const ALLOWED_ELEMENTS = [
  'p', 'a', 'img', 'em', 'strong', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'br', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
  'input', 'sup', 'section', 'span',
];

/** Set inside a link, so an image in it renders as text rather than a link in a link. */
const InsideLink = createContext(false);

/**
 * Handlers for a link without href: click (with or without modifier keys), middle-click and
 * Enter all hand the URL to main; none of them can navigate, since there is nothing to follow.
 */
function openHandlers(open: () => void) {
  return {
    onClick: (e: MouseEvent) => {
      e.preventDefault();
      open();
    },
    onAuxClick: (e: MouseEvent) => {
      if (e.button !== 1) return;
      e.preventDefault();
      open();
    },
    onKeyDown: (e: KeyboardEvent) => {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      open();
    },
  };
}

function ModelLink(props: { href: string | undefined; title: string | undefined; children: ReactNode; onOpenLink: ((url: string) => void) | undefined }) {
  const url = openableUrl(props.href);
  if (url === null || !props.onOpenLink) return <span className="md-link-inert">{props.children}</span>;
  const onOpenLink = props.onOpenLink;
  const open = () => onOpenLink(url);
  return (
    <InsideLink.Provider value={true}>
      <a
        role="link"
        tabIndex={0}
        className="md-link"
        title={props.title ? `${props.title}\n${url}` : url}
        {...openHandlers(open)}
      >
        {props.children}
      </a>
    </InsideLink.Provider>
  );
}

function ModelImage(props: { src: string | undefined; alt: string | undefined; onOpenLink: ((url: string) => void) | undefined }) {
  const insideLink = useContext(InsideLink);
  const label = `Image: ${props.alt?.trim() || 'untitled'}`;
  const url = openableUrl(props.src);
  if (url === null || insideLink || !props.onOpenLink) return <span className="md-image-inert">[{label}]</span>;
  const onOpenLink = props.onOpenLink;
  const open = () => onOpenLink(url);
  return (
    <a
      role="link"
      tabIndex={0}
      className="md-link md-image-link"
      title={url}
      {...openHandlers(open)}
    >
      {label}
    </a>
  );
}

/** hast-util-to-jsx-runtime turns a GFM column's alignment into style; make it a class instead. */
function alignClass(style: CSSProperties | undefined): string | undefined {
  const align = style?.textAlign;
  return align === 'left' || align === 'center' || align === 'right' ? `md-align-${align}` : undefined;
}

/**
 * The callbacks reach the element renderers through context, so the renderers themselves stay
 * the same functions across renders: new ones would remount every element on every delta.
 */
const Callbacks = createContext<Pick<ModelMarkdownProps, 'onOpenLink' | 'onCopyCode'>>({});

const COMPONENTS: Components = {
  a: function Link({ href, title, children }) {
    const { onOpenLink } = useContext(Callbacks);
    return (
      <ModelLink href={href} title={title} onOpenLink={onOpenLink}>
        {children}
      </ModelLink>
    );
  },
  img: function Image({ src, alt }) {
    const { onOpenLink } = useContext(Callbacks);
    return <ModelImage src={typeof src === 'string' ? src : undefined} alt={alt} onOpenLink={onOpenLink} />;
  },
  pre: function Pre({ node, children }) {
    const { onCopyCode } = useContext(Callbacks);
    return (
      <CodeBlock node={node as HastLike | undefined} onCopyCode={onCopyCode}>
        {children}
      </CodeBlock>
    );
  },
  th: ({ style, children }) => <th className={alignClass(style)}>{children}</th>,
  td: ({ style, children }) => <td className={alignClass(style)}>{children}</td>,
  // A GFM task's box is a state to read, not a control: no form element from model output.
  input: ({ checked }) => (
    <span className="md-task" role="img" aria-label={checked ? 'Done' : 'Not done'}>
      {checked ? '☑' : '☐'}
    </span>
  ),
};

const REMARK_PLUGINS = [remarkGfm];
type PluginList = NonNullable<Parameters<typeof Markdown>[0]['rehypePlugins']>;
function rehypePlugins(headingLevel: number): PluginList {
  return [[rehypeHighlight, { detect: false }], stripIds, [fitHeadings, { top: headingLevel }]];
}

/** react-markdown's urlTransform: only openable URLs survive into the tree at all. */
function keepOpenableUrl(url: string): string {
  return openableUrl(url) ?? '';
}

function ModelMarkdown(props: ModelMarkdownProps) {
  const text = useStreamingText(props.text, props.streaming === true);
  const shown = props.streaming ? stabilizeStreamingMarkdown(text) : text;
  const { onOpenLink, onCopyCode } = props;
  const callbacks = useMemo(() => ({ onOpenLink, onCopyCode }), [onOpenLink, onCopyCode]);
  const headingLevel = props.headingLevel ?? 2;
  const plugins = useMemo(() => rehypePlugins(headingLevel), [headingLevel]);
  return (
    <div className={props.className ? `md ${props.className}` : 'md'} aria-busy={props.streaming ? true : undefined}>
      <Callbacks.Provider value={callbacks}>
        <Markdown
          remarkPlugins={REMARK_PLUGINS}
          rehypePlugins={plugins}
          allowedElements={ALLOWED_ELEMENTS}
          unwrapDisallowed
          urlTransform={keepOpenableUrl}
          components={COMPONENTS}
        >
          {shown}
        </Markdown>
      </Callbacks.Provider>
    </div>
  );
}

export default memo(ModelMarkdown);
