import { describe, expect, it } from 'vitest';
import { stabilizeStreamingMarkdown as settle } from '../../renderer/src/components/markdown/streamingMarkdown';
import { streamingRenderInterval } from '../../renderer/src/components/markdown/useStreamingText';

/** What a partial answer renders as while it streams (renderer/src/components/markdown). */
describe('stabilizeStreamingMarkdown', () => {
  it('closes an open code fence with the same marker and length', () => {
    expect(settle('Here:\n```ts\nconst a = 1;')).toBe('Here:\n```ts\nconst a = 1;\n```');
    expect(settle('~~~~\nx\n')).toBe('~~~~\nx\n~~~~');
    expect(settle('> ```\n> quoted')).toBe('> ```\n> quoted\n```');
  });

  it('leaves closed fences alone and treats a shorter or different marker as content', () => {
    expect(settle('```\na\n```\nafter')).toBe('```\na\n```\nafter');
    expect(settle('````\n```\nstill code')).toBe('````\n```\nstill code\n````');
    expect(settle('```\n~~~\nstill code')).toBe('```\n~~~\nstill code\n```');
  });

  it('drops the first backticks of a closing fence that is still arriving', () => {
    expect(settle('```js\nx()\n``')).toBe('```js\nx()\n```');
  });

  it('does not take inline code with three backticks for a fence', () => {
    expect(settle('```a``` then [x](http://ex')).toBe('```a``` then x');
  });

  it('does not touch text inside an open fence', () => {
    const text = '```md\n[a](http://exa\nsee https://exa\n-';
    expect(settle(text)).toBe(`${text}\n\`\`\``);
  });

  it('holds back a lone "-" or "=" that would turn the line above into a heading', () => {
    expect(settle('Some text\n-')).toBe('Some text\n');
    expect(settle('Some text\n==')).toBe('Some text\n');
    expect(settle('Some text\n- item')).toBe('Some text\n- item');
  });

  it('holds back a heading marker until its text arrives', () => {
    expect(settle('Intro\n\n## ')).toBe('Intro\n\n');
    expect(settle('Intro\n\n#')).toBe('Intro\n\n');
    expect(settle('Intro\n\n## T')).toBe('Intro\n\n## T');
  });

  it('holds back the first backticks of a fence that is still opening', () => {
    expect(settle('Look:\n``')).toBe('Look:\n');
  });

  it('shows an unfinished link or image as its label until the destination closes', () => {
    expect(settle('See [the docs](https://example.com/pa')).toBe('See the docs');
    expect(settle('See [the docs](')).toBe('See the docs');
    expect(settle('See [the docs](https://example.com "Ti')).toBe('See the docs');
    expect(settle('![a cat](https://cats.example/c')).toBe('a cat');
    expect(settle('See [the docs](https://example.com/)')).toBe('See [the docs](https://example.com/)');
    expect(settle('[a](b) and (c')).toBe('[a](b) and (c');
  });

  it('holds back a URL or address that is still being written, not one that is finished', () => {
    expect(settle('Go to https://example.com/lo')).toBe('Go to ');
    expect(settle('Go to www.exam')).toBe('Go to ');
    expect(settle('Mail ann@exa')).toBe('Mail ');
    expect(settle('Go to https://example.com/ now')).toBe('Go to https://example.com/ now');
    expect(settle('Go to https://example.com/\n')).toBe('Go to https://example.com/\n');
  });

  it('leaves inline code alone', () => {
    expect(settle('Run `curl https://exa')).toBe('Run `curl https://exa');
    expect(settle('Use `a[0](b')).toBe('Use `a[0](b');
  });

  it('keeps ordinary text unchanged', () => {
    for (const text of ['', 'Hello', 'Hello **wor', '| a | b |\n| - |', '1. one\n2. tw', 'A\n\nB'])
      expect(settle(text)).toBe(text);
  });
});

describe('streamingRenderInterval', () => {
  it('renders short answers every frame and long ones less often, within bounds', () => {
    expect(streamingRenderInterval(0)).toBe(16);
    expect(streamingRenderInterval(2_000)).toBe(16);
    expect(streamingRenderInterval(15_000)).toBe(100);
    expect(streamingRenderInterval(1_000_000)).toBe(250);
  });
});
