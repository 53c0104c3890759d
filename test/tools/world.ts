/** Shared setup for the tool tests: a stdio fixture server for a person, with a secret in its environment. */
import { resolve } from 'node:path';
import type { Session } from '../../main/core/accounts/session';
import { createSecret } from '../../main/core/vault/secrets';
import { createToolServer, type ToolServer } from '../../main/core/vault/toolServers';

export const STDIO_FIXTURE = resolve(import.meta.dirname, '../fixtures/mcp/stdioServer.mjs');

export const markerOf = (who: string) => `marker-${who}-${Math.random().toString(36).slice(2, 12)}`;

/** A stdio server running the fixture with node, FIXTURE_SECRET from a new secret of the person. */
export function addStdioFixture(session: Session, opts: { marker?: string; name?: string; extraEnv?: { name: string; value: string }[] } = {}): { server: ToolServer; marker: string } {
  const marker = opts.marker ?? markerOf(session.user.username);
  const secret = createSecret(session, { name: `Tool secret ${marker.slice(-4)}`, value: marker });
  const server = createToolServer(session, {
    kind: 'stdio',
    name: opts.name ?? 'Fixture',
    command: process.execPath,
    args: [STDIO_FIXTURE],
    env: [{ name: 'FIXTURE_SECRET', secretId: secret.id }, { name: 'FIXTURE_PLAIN', value: 'plain' }, ...(opts.extraEnv ?? [])],
  });
  return { server, marker };
}

export const textOf = (content: unknown): string => ((content as { type: string; text: string }[])[0]?.text ?? '');

export async function waitUntil(check: () => boolean, ms = 8000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
