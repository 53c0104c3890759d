import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
// Before the imports (vi.hoisted runs first): the bridge module picks window.cubby when it loads.
vi.hoisted(() => {
  (globalThis as { window?: unknown }).window = { cubby: { call: async () => ({ ok: false }), on: () => () => undefined } };
});
import { BridgeCallError } from '../../renderer/src/bridge';
import type { Message } from '../../renderer/src/bridge/types';
import { ErrorAlert } from '../../renderer/src/components/ErrorAlert';
import { Snippet } from '../../renderer/src/components/Snippet';
import { attachmentProblem } from '../../renderer/src/screens/chat/attachments';
import { MessageItem } from '../../renderer/src/screens/chat/MessageItem';

/**
 * Markup of the chat pieces in Node (no DOM): what a person sees for each status, that text
 * from the vault or a provider is text (never HTML), the organization's refusals, and the
 * attachment checks made before sending.
 */
const HOSTILE = '<img src=x onerror="alert(1)">';
const base: Message = {
  id: 7, conversationId: 'c', role: 'assistant', content: '', model: 'm', inputTokens: 3, outputTokens: 4, ttftMs: 5, totalMs: 6,
  status: 'complete', errorCode: null, createdAt: 1, attachments: [],
};
const actions = { isLastUser: false, isLastAnswer: true, busy: false, onStop() {}, onRetry() {}, onEdit() {} };
const render = (m: Partial<Message>, runError?: { code: string; message: string }) =>
  renderToStaticMarkup(createElement(MessageItem, { message: { ...base, ...m }, agentName: 'Helper', runError, actions, highlighted: false }));

describe('chat markup', () => {
  it('a failed answer shows its message and code; cancelled and interrupted are marked', () => {
    const failed = render({ status: 'error', errorCode: 'PROVIDER_AUTH', content: 'part' }, { code: 'PROVIDER_AUTH', message: 'The key was refused.' });
    expect(failed).toContain('The key was refused.');
    expect(failed).toContain('(PROVIDER_AUTH)');
    expect(failed).toContain('role="alert"');
    expect(failed).toContain('>Failed<');
    // Loaded from the vault, only the code is known: it is still shown.
    expect(render({ status: 'error', errorCode: 'PROVIDER_ERROR' })).toContain('(PROVIDER_ERROR)');
    expect(render({ status: 'cancelled', content: 'x' })).toContain('>Stopped<');
    const interrupted = render({ status: 'interrupted', content: 'x' });
    expect(interrupted).toContain('>Interrupted<');
    expect(interrupted).toContain('what had arrived is kept');
    expect(render({ status: 'complete', content: 'x' })).not.toMatch(/Stopped|Failed|Interrupted/);
  });

  it('a streaming answer offers Stop, not Retry; a finished last answer offers Retry', () => {
    const streaming = render({ status: 'streaming', content: 'so far' });
    expect(streaming).toContain('>Stop<');
    expect(streaming).not.toContain('>Retry<');
    expect(render({ content: 'done' })).toContain('>Retry<');
  });

  it('the person’s own message and attachment names are text, not HTML', () => {
    const html = render({ role: 'user', content: HOSTILE, attachments: [{ id: 'a', kind: 'text', name: HOSTILE, mime: 'text/plain', size: 1 }] });
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=');
  });

  it('a search snippet renders its parts as text, the matches marked', () => {
    const html = renderToStaticMarkup(createElement(Snippet, { parts: [{ text: HOSTILE, match: false }, { text: 'fox', match: true }] }));
    expect(html).toBe('<span>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</span><mark>fox</mark>');
  });

  it('POLICY_FORBIDS says the organization set it; other errors do not', () => {
    const forbidden = renderToStaticMarkup(createElement(ErrorAlert, { error: new BridgeCallError({ code: 'POLICY_FORBIDS', message: 'Your organization does not allow this.' }) }));
    expect(forbidden).toContain('Your organization does not allow this.');
    expect(forbidden).toContain('(Set by your organization)');
    const other = renderToStaticMarkup(createElement(ErrorAlert, { error: new BridgeCallError({ code: 'VALIDATION', message: 'Name is required.' }) }));
    expect(other).not.toContain('Set by your organization');
  });

  it('attachments are checked against the contract’s limits before sending', () => {
    expect(attachmentProblem([{ name: 'a.txt', type: 'text/plain', size: 256 * 1024 }])).toBeNull();
    expect(attachmentProblem([{ name: 'a.txt', type: 'text/plain', size: 256 * 1024 + 1 }])).toMatch(/a\.txt is too large/);
    expect(attachmentProblem([{ name: 'p.png', type: 'image/png', size: 10 * 1024 * 1024 }])).toBeNull();
    expect(attachmentProblem([{ name: 'p.png', type: 'image/png', size: 10 * 1024 * 1024 + 1 }])).toMatch(/too large/);
    expect(attachmentProblem([{ name: 'x.exe', type: 'application/octet-stream', size: 10 }])).toMatch(/only text files and images/);
    expect(attachmentProblem(Array.from({ length: 11 }, (_, i) => ({ name: `${i}.txt`, type: 'text/plain', size: 1 })))).toMatch(/At most 10/);
  });
});
