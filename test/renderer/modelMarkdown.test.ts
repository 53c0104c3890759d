import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import ModelMarkdown from '../../renderer/src/components/markdown/ModelMarkdown';
import type { ModelMarkdownProps } from '../../renderer/src/components/markdown/types';

/**
 * The markup the renderer produces, in Node (no DOM). Chromium with the app's CSP is
 * test/e2e/markdown.spec.ts; this pins the structure: no element that fetches or navigates.
 */
function render(text: string, extra: Partial<ModelMarkdownProps> = {}): string {
  return renderToStaticMarkup(createElement(ModelMarkdown, { text, onOpenLink: () => undefined, onCopyCode: () => undefined, ...extra }));
}

describe('ModelMarkdown markup', () => {
  it('renders an http link as an <a> without href that names its URL', () => {
    const html = render('[docs](https://example.com/docs)');
    expect(html).toContain('<a role="link" tabindex="0" class="md-link" title="https://example.com/docs">docs</a>');
    expect(html).not.toMatch(/href=/);
  });

  it('renders javascript:, data: and relative links as plain text', () => {
    const html = render('[a](javascript:alert(1)) [b](data:text/html,x) [c](/etc/passwd) [d](vbscript:x)');
    expect(html).not.toMatch(/<a\b/);
    expect(html).not.toMatch(/javascript|vbscript|data:/);
    expect(html).toContain('<span class="md-link-inert">a</span>');
  });

  it('never emits <img>: a remote image becomes a link, a data: image plain text', () => {
    const html = render('![a cat](https://cats.example/c.png) ![dot](data:image/png;base64,AAAA)');
    expect(html).not.toMatch(/<img\b/);
    expect(html).toContain('title="https://cats.example/c.png">Image: a cat</a>');
    expect(html).toContain('<span class="md-image-inert">[Image: dot]</span>');
  });

  it('shows raw HTML as text, not elements', () => {
    const html = render('<script>window.x=1</script>\n\nhi <img src=x onerror=alert(1)> <iframe src="https://e.example"></iframe>');
    expect(html).not.toMatch(/<(script|img|iframe)\b/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('highlights code with classes, adds a Copy button, and writes no style attribute', () => {
    const html = render('```js\nconst a = "x";\n```\n\n| l | r |\n|:--|--:|\n| 1 | 2 |');
    expect(html).toContain('<span class="hljs-keyword">const</span>');
    expect(html).toContain('aria-label="Copy js code"');
    expect(html).toContain('<th class="md-align-left">l</th>');
    expect(html).toContain('<td class="md-align-right">2</td>');
    expect(html).not.toMatch(/style=/);
  });

  it('renders links as text and code without Copy when no callbacks are given', () => {
    const html = renderToStaticMarkup(createElement(ModelMarkdown, { text: '[a](https://example.com)\n\n```\nx\n```' }));
    expect(html).not.toMatch(/<a\b|<button/);
  });

  it('while streaming, closes an open fence and holds back a half-written link', () => {
    const html = render('See [docs](https://exa', { streaming: true });
    expect(html).not.toMatch(/<a\b/);
    expect(html).toContain('See docs');
  });
});

describe('ModelMarkdown ids', () => {
  it('leaves no id in the markup, even from GFM footnotes', () => {
    const html = render('Claim[^1] and another[^2]\n\n[^1]: one\n[^2]: two');
    expect(html).toContain('Footnotes');
    expect(html).not.toMatch(/\sid=|aria-describedby|aria-labelledby/);
  });
});

describe('ModelMarkdown structure for the page around it', () => {
  it('fits headings under the given level, in rank order, never more than one level deeper than the last', () => {
    const html = render('### a\n\n# b\n\n##### c\n\n### d\n\n# e\n\n### f', { headingLevel: 2 });
    expect(html.match(/<h\d>/g)).toEqual(['<h2>', '<h2>', '<h3>', '<h3>', '<h2>', '<h3>']);
    expect(render('# a\n\n## b\n\n### c', { headingLevel: 5 }).match(/<h\d>/g)).toEqual(['<h5>', '<h6>', '<h6>']);
  });

  it('leaves out headings with no text', () => {
    const html = render('##\n\ntext\n\n#   \n\n## Real');
    expect(html.match(/<h\d>[^<]*<\/h\d>/g)).toEqual(['<h2>Real</h2>']);
    expect(html).toContain('<p>text</p>');
  });

  it('shows a task list item as a symbol, not a form control', () => {
    const html = render('- [x] done\n- [ ] todo');
    expect(html).not.toMatch(/<input/);
    expect(html).toContain('aria-label="Done"');
    expect(html).toContain('aria-label="Not done"');
  });
});
