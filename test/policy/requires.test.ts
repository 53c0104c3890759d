import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { channels, CHANNEL_NAMES, type ChannelName } from '../../preload/contract';
import type { PolicySwitch } from '../../preload/contract/shared';
import type { MachinePolicySource } from '../../main/core/policy/source';
import { ADMIN } from '../helpers/env';
import { startTestHost, type TestHost } from '../helpers/testHost';
import { WsClient } from '../helpers/wsClient';

/**
 * Channels declare the machine-policy switch they need (`requires` in the contract) and the
 * router refuses them with POLICY_FORBIDS, before any handler, when the switch is off.
 */
const sourceOf = (values: Record<string, unknown>): MachinePolicySource => ({
  kind: 'file',
  location: '/etc/cubby/policy.json',
  read: () => ({ status: 'found', values, ignored: [] }),
});

/** A valid input for every channel that declares `requires`: a new one must be added here. */
const INPUTS: Partial<Record<ChannelName, unknown>> = {
  'providers.create': { kind: 'openai-compatible', name: 'Local', baseUrl: 'http://127.0.0.1:9/v1' },
  'providers.update': { id: '00000000-0000-4000-8000-000000000000', kind: 'openai-compatible', name: 'Local', baseUrl: 'http://127.0.0.1:9/v1' },
  'providers.probeLocal': {},
  'memory.setEmbeddings': { connectionId: '00000000-0000-4000-8000-000000000000', model: 'text-embedding-3-small' },
  'tools.servers.list': {},
  'tools.servers.create': { kind: 'stdio', name: 'Local', command: '/bin/true' },
  'tools.servers.update': { id: '00000000-0000-4000-8000-000000000000', kind: 'stdio', name: 'Local', command: '/bin/true' },
  'tools.servers.delete': { id: '00000000-0000-4000-8000-000000000000' },
  'tools.list': { serverId: '00000000-0000-4000-8000-000000000000' },
  'tools.approvals.revoke': { serverId: '00000000-0000-4000-8000-000000000000', toolName: 'echo' },
  'tools.approve': { requestId: '00000000-0000-4000-8000-000000000000', decision: 'deny' },
  'sync.status': {},
  'sync.setUp': { target: { kind: 'folder', path: '/tmp/cubby-sync' }, deviceName: 'Desk', recoveryKey: 'AAAA-BBBB' },
  'sync.join': { target: { kind: 'folder', path: '/tmp/cubby-sync' }, deviceName: 'Laptop' },
  'sync.joinWithRecoveryKey': { target: { kind: 'folder', path: '/tmp/cubby-sync' }, deviceName: 'Laptop', recoveryKey: 'AAAA-BBBB' },
  'sync.approvePairing': { requestId: '0123456789abcdef' },
  'sync.rejectPairing': { requestId: '0123456789abcdef' },
  'sync.syncNow': {},
  'sync.pause': {},
  'sync.resume': {},
  'sync.devices': {},
  'sync.removeDevice': { deviceId: '0123456789abcdef' },
  'sync.conflicts': {},
  'sync.resolveConflict': { id: '0123456789abcdef', keep: 'current' },
  'sync.decideMassDeletion': { apply: false },
  'sync.dismissWarnings': {},
  'sync.turnOff': {},
};

/** Areas whose every channel is a feature a policy switch governs (later issues add them). */
const AREA_SWITCH: Record<string, PolicySwitch> = { 'tools.': 'allowOwnToolServers', 'sync.': 'allowSync' };

const requiring = CHANNEL_NAMES.filter((c) => channels[c].requires !== null);

test('every channel that declares a switch has a probe here, and areas a switch governs declare it on every channel', () => {
  expect(requiring.sort()).toEqual(Object.keys(INPUTS).sort());
  expect(requiring).toContain('providers.create');
  for (const [prefix, which] of Object.entries(AREA_SWITCH)) {
    for (const c of CHANNEL_NAMES.filter((n) => n.startsWith(prefix))) expect(channels[c].requires, c).toBe(which);
  }
});

describe.each([
  ['off', false],
  ['on', true],
] as const)('with every switch %s', (_label, on) => {
  let app: TestHost;
  let ws: WsClient;
  beforeAll(async () => {
    const values = { allowOwnProviders: on, allowOwnToolServers: on, allowWorkflowsWhileLocked: on, allowSync: on };
    app = await startTestHost({ machinePolicy: sourceOf(values) });
    ws = await WsClient.connect(app.host);
    expect((await ws.call('auth.setup', ADMIN)).ok).toBe(true);
  });
  afterAll(async () => {
    await ws?.close();
    await app?.close();
  });

  test.each(requiring)('%s', async (channel) => {
    const answer = await ws.call(channel, INPUTS[channel]);
    if (on) expect(answer.error?.code).not.toBe('POLICY_FORBIDS');
    else expect(answer).toEqual({ ok: false, error: { code: 'POLICY_FORBIDS', message: expect.stringMatching(/organization/) } });
  });
});
