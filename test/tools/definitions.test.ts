import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Session } from '../../main/core/accounts/session';
import { canonicalJson, definitionHash } from '../../main/core/tools/approvals';
import { serverEnvironment, MINIMAL_PATH } from '../../main/core/tools/env';
import { createSecret } from '../../main/core/vault/secrets';
import { createToolServer, listApprovals, storeApproval, updateToolServer } from '../../main/core/vault/toolServers';
import { removeDir, tempDataDir, twoUsers } from '../helpers/env';

const HOME = { root: '/r', home: '/r/home', config: '/r/config', data: '/r/data', cache: '/r/cache', state: '/r/state', tmp: '/r/tmp' };

describe('definition hash', () => {
  test('does not depend on key order, and changes with the description or the input schema', () => {
    const a = { name: 'echo', description: 'Echo.', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } };
    const reordered = { inputSchema: { required: ['text'], properties: { text: { type: 'string' } }, type: 'object' }, description: 'Echo.', name: 'echo' };
    expect(canonicalJson(reordered)).toBe(canonicalJson(a));
    expect(definitionHash(reordered)).toBe(definitionHash(a));
    expect(definitionHash({ ...a, description: 'Echo!' })).not.toBe(definitionHash(a));
    expect(definitionHash({ ...a, inputSchema: { ...a.inputSchema, required: [] } })).not.toBe(definitionHash(a));
    // Other fields a server sends (annotations, title) are not what the person approves.
    expect(definitionHash({ ...a, title: 'Echo tool' } as typeof a)).toBe(definitionHash(a));
  });
});

describe('server environment', () => {
  test('the person’s PATH wins over the minimal one; HOME and the XDG directories are always Cubby’s', () => {
    expect(serverEnvironment([], HOME, () => '').PATH).toBe(MINIMAL_PATH);
    const env = serverEnvironment([{ name: 'PATH', value: '/opt/tools/bin' }, { name: 'HOME', value: '/elsewhere' }], HOME, () => '');
    expect(env.PATH).toBe('/opt/tools/bin');
    expect(env.HOME).toBe('/r/home');
    expect(env.TMPDIR).toBe('/r/tmp');
  });
});

describe('tool server settings', () => {
  const dir = tempDataDir('cubby-tools-settings-');
  let world: Awaited<ReturnType<typeof twoUsers>>;
  beforeAll(async () => {
    world = await twoUsers(dir);
  });
  afterAll(() => {
    world?.accounts.close();
    removeDir(dir);
  });

  const stdio = (extra: object = {}) => ({ kind: 'stdio' as const, name: 'S', command: '/bin/true', ...extra });

  test.each([
    ['a reserved variable', stdio({ env: [{ name: 'HOME', value: '/tmp' }] }), /Cubby sets HOME/],
    ['a bad variable name', stdio({ env: [{ name: '1X', value: 'v' }] }), /environment variable name/],
    ['a variable set twice', stdio({ env: [{ name: 'X', value: 'a' }, { name: 'X', value: 'b' }] }), /set once/],
    ['a stdio server without a command', stdio({ command: '' }), /needs the command/],
    ['an HTTP server without an address', { kind: 'http', name: 'H' }, /needs its address/],
    ['credentials in the address', { kind: 'http', name: 'H', url: 'http://u:p@127.0.0.1/mcp' }, /without a user name/],
    ['keys in headers over plain http to another computer', { kind: 'http', name: 'H', url: 'http://tools.example.org/mcp', headers: [{ name: 'X-Key', secretId: 'any' }] }, /use an https:\/\/ address/],
  ])('refuses %s with a message for people', (_what, input, message) => {
    expect(() => createToolServer(world.admin, input as never)).toThrow(message);
  });

  test('keys in headers may go over https, or over plain http to this computer only', () => {
    const key = createSecret(world.admin, { name: 'Tool key', value: 'tool-key-value-0001' });
    const headers = [{ name: 'X-Key', secretId: key.id }];
    expect(createToolServer(world.admin, { kind: 'http', name: 'Remote', url: 'https://tools.example.org/mcp', headers }).url).toBe('https://tools.example.org/mcp');
    expect(createToolServer(world.admin, { kind: 'http', name: 'Local', url: 'http://127.0.0.1:9/mcp', headers }).kind).toBe('http');
    expect(createToolServer(world.admin, { kind: 'http', name: 'No keys', url: 'http://tools.example.org/mcp' }).headers).toEqual([]);
  });

  test('a secret of another person names nothing here', () => {
    const bobs = createSecret(world.bob, { name: 'Bob', value: 'bob-secret-value-123' });
    expect(() => createToolServer(world.admin, stdio({ env: [{ name: 'T', secretId: bobs.id }] }))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  test('changing a server clears its "always" approvals', () => {
    const s: Session = world.admin;
    const server = createToolServer(s, stdio());
    storeApproval(s, server.id, 'echo', 'abc');
    expect(listApprovals(s, server.id)).toHaveLength(1);
    updateToolServer(s, server.id, stdio({ args: ['--other'] }));
    expect(listApprovals(s, server.id)).toEqual([]);
  });
});
