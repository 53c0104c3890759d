import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
// Before the imports (vi.hoisted runs first): the bridge module picks window.cubby when it loads.
vi.hoisted(() => {
  (globalThis as { window?: unknown }).window = { cubby: { call: async () => ({ ok: false }), on: () => () => undefined } };
});
import { BridgeCallError } from '../../renderer/src/bridge';
import type { ToolServerView, ToolView } from '../../renderer/src/bridge/types';
import { ToolStepView, type Listing, type ToolStepValue } from '../../renderer/src/screens/workflows/ToolStepFields';

/**
 * A workflow tool step's fields in each listing state (markup in Node, no DOM): pickers of the
 * person's servers and that server's tools, typed entry only when listing fails, and a saved
 * step whose server or tool has gone still shows what it names.
 */
const server = (id: string, name: string): ToolServerView => ({
  id, kind: 'stdio', name, command: 'node', args: [], env: [], url: null, headers: [], enabled: true, state: 'running', errorCode: null, createdAt: 1, updatedAt: 1,
});
const tool = (name: string, description = ''): ToolView => ({ name, description, approved: false, changedSinceApproval: false });
const SERVERS: Listing<ToolServerView> = { state: 'ready', items: [server('s1', 'Fixture'), server('s2', '<b>Notes</b>')] };
const render = (value: Partial<ToolStepValue>, servers: Listing<ToolServerView>, tools: Listing<ToolView> | null) =>
  renderToStaticMarkup(
    createElement(ToolStepView, { idPrefix: 'p', index: 1, value: { serverId: '', toolName: '', argsJson: '{}', ...value }, onChange: () => undefined, servers, tools }),
  );
const failed = (message: string) => ({ state: 'failed' as const, error: new BridgeCallError({ code: 'TOOL_SERVER_FAILED', message }) });

describe('workflow tool step fields', () => {
  it('servers are offered by name with their id as the value; the tool picker waits for a server', () => {
    const html = render({}, SERVERS, null);
    expect(html).toContain('<label for="p-server-1">Tool server for step 2</label>');
    expect(html).toContain('<option value="s1">Fixture</option>');
    expect(html).toContain('<option value="s2">&lt;b&gt;Notes&lt;/b&gt;</option>');
    expect(html).toMatch(/<select id="p-tool-1" disabled="" required="">/);
    expect(html).toContain('Choose a server first');
    expect(html).not.toContain('<input');
  });

  it('while the server list or the tool list loads, the pickers say so and are disabled', () => {
    expect(render({}, { state: 'loading' }, null)).toMatch(/<select id="p-server-1" disabled="" required=""><option value="" selected="">Loading your tool servers…/);
    const tools = render({ serverId: 's1' }, SERVERS, { state: 'loading' });
    expect(tools).toContain('Loading tools…');
    expect(tools).toContain('role="status"');
    expect(tools).toContain('Starting Fixture to list its tools…');
  });

  it("the chosen server's tools are offered, with the chosen tool's description", () => {
    const html = render({ serverId: 's1', toolName: 'echo' }, SERVERS, { state: 'ready', items: [tool('whoami'), tool('echo', 'Echo the text back.')] });
    expect(html).toContain('<option value="echo" selected="">echo</option>');
    expect(html).toContain('<option value="whoami">whoami</option>');
    expect(html).toContain('Echo the text back.');
    expect(html).not.toContain('disabled=""');
  });

  it('with no servers at all, the picker points to Settings › Tools', () => {
    expect(render({}, { state: 'ready', items: [] }, null)).toContain('No tool servers yet (add one in Settings › Tools)');
  });

  it('a saved step whose server or tool is gone still shows what it names', () => {
    expect(render({ serverId: 'gone' }, SERVERS, null)).toContain('<option value="gone" selected="">A server that no longer exists</option>');
    expect(render({ serverId: 's1', toolName: 'old' }, SERVERS, { state: 'ready', items: [tool('echo')] })).toContain('<option value="old" selected="">old (no longer offered)</option>');
  });

  it('when the tools cannot be listed, the tool name is typed and the error is shown', () => {
    const html = render({ serverId: 's1', toolName: 'echo' }, SERVERS, failed('The tool server Fixture failed to start.'));
    expect(html).toContain('<select id="p-server-1"');
    expect(html).not.toContain('id="p-tool-1"');
    expect(html).toMatch(/<input [^>]*value="echo"/);
    expect(html).toContain('The tools of Fixture could not be listed; type the tool name.');
    expect(html).toContain('The tool server Fixture failed to start.');
    expect(html).toContain('role="alert"');
  });

  it('when the servers cannot be listed, both the server id and the tool name are typed', () => {
    const html = render({ serverId: 's1', toolName: 'echo' }, failed('Not allowed.'), null);
    expect(html).not.toContain('<select');
    expect(html).toContain('Tool server id for step 2');
    expect(html).toMatch(/<input [^>]*value="s1"/);
    expect(html).toContain('Tool for step 2');
    expect(html).toContain('Your tool servers could not be listed; type the server id and tool name.');
  });
});
