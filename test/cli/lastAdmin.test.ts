import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN, BOB, editCatalog, removeDir, TEST_KEYCHAIN_SERVICE, tempDataDir, twoUsers } from '../helpers/env';
import { startTestHost, type TestHost } from '../helpers/testHost';
import { P, Q, REMOVE_ACTIONS, removalCall, TwoAdmins, type RemoveAction } from '../helpers/twoAdmins';
import { WsClient } from '../helpers/wsClient';
import { line, REPO, runCli } from './run';

const TRIALS = 50;
const WORKER = fileURLToPath(new URL('./fixtures/cliRaceWorker.ts', import.meta.url));

/** The command line's process, driven one JSON line at a time. */
class CliWorker {
  private readonly answers: AsyncIterator<string>;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static start(dataDir: string): CliWorker {
    const env = { ...process.env, CUBBY_DATA_DIR: dataDir, CUBBY_KEYCHAIN_SERVICE: TEST_KEYCHAIN_SERVICE };
    return new CliWorker(spawn(process.execPath, ['--import', 'tsx', WORKER], { cwd: REPO, env, stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  async request(req: object): Promise<{ ok: boolean; code?: string }> {
    this.child.stdin.write(JSON.stringify(req) + '\n');
    const next = await this.answers.next();
    if (next.done) throw new Error('the command-line worker exited');
    return JSON.parse(next.value) as { ok: boolean; code?: string };
  }

  stop(): void {
    this.child.stdin.end(JSON.stringify({ op: 'quit' }) + '\n');
  }
}

describe('the last-admin guard holds between the app and the command line (separate processes)', () => {
  let app: TestHost;
  let world: TwoAdmins;
  let patWindow: WsClient;
  let cli: CliWorker;

  beforeAll(async () => {
    app = await startTestHost();
    world = new TwoAdmins(app.cubby.accounts);
    await world.create();
    patWindow = await WsClient.connect(app.host);
    cli = CliWorker.start(app.dataDir);
  });

  afterAll(async () => {
    cli?.stop();
    await patWindow?.close();
    await app?.close();
  });

  // Pat, in the app, removes Quin while IT runs `cubby <disable|delete> --admin quin --username pat`.
  const pairs = REMOVE_ACTIONS.flatMap((app) => (['delete', 'disable'] as const).map((cmd) => [app, cmd] as [RemoveAction, 'delete' | 'disable']));

  test.each(pairs)(`app: Pat %s Quin; cubby %s Pat; ${TRIALS} trials`, { timeout: 300_000 }, async (appAction, cliAction) => {
    const wins = { app: 0, cli: 0 };
    const loserCodes: Record<string, number> = {};
    for (let trial = 0; trial < TRIALS; trial++) {
      await world.restore();
      await world.signIn(patWindow, P);
      expect(await cli.request({ op: 'ensure', username: Q.username, password: Q.password })).toEqual({ ok: true });
      expect(await cli.request({ op: 'arm', action: cliAction, username: P.username })).toEqual({ ok: true });
      const quin = { id: world.userId(Q), username: Q.username };

      const [app, cmd] = await Promise.all([patWindow.call(...removalCall(appAction, quin)), cli.request({ op: 'go' })]);

      expect(world.activeAdmins().length, `trial ${trial}`).toBe(1);
      expect([app.ok, cmd.ok].filter(Boolean), `trial ${trial}: exactly one wins`).toHaveLength(1);
      // The loser answers LAST_ADMIN if it reached the guard, or, if the winner had already
      // removed its own admin, the refusal for an actor who no longer may act.
      if (app.ok) {
        wins.app++;
        expect(['LAST_ADMIN', 'FORBIDDEN']).toContain(cmd.code);
        loserCodes[cmd.code!] = (loserCodes[cmd.code!] ?? 0) + 1;
        expect(world.activeAdmins()).toEqual([P.username]);
      } else {
        wins.cli++;
        // The router's and the handler's reads are separate statements: the other process may
        // commit between them, so a removed actor meets FORBIDDEN or LOCKED.
        expect(['LAST_ADMIN', 'FORBIDDEN', 'LOCKED']).toContain(app.error.code);
        loserCodes[app.error.code] = (loserCodes[app.error.code] ?? 0) + 1;
        expect(world.activeAdmins()).toEqual([Q.username]);
      }
    }
    expect(wins.app + wins.cli).toBe(TRIALS);
    expect(loserCodes.LAST_ADMIN ?? 0, 'some losers reached the guard').toBeGreaterThan(0);
    console.log(`${appAction}/${cliAction}: app won ${wins.app}, cli won ${wins.cli}; losers: ${JSON.stringify(loserCodes)}`);
  });
});

describe('cubby break-glass', () => {
  const dir = tempDataDir('cubby-cli-');
  afterAll(() => removeDir(dir));

  test('promotes a signed-in person only while no active admin is left, and is audited', async () => {
    const w = await twoUsers(dir);
    w.accounts.close();
    const breakGlass = (password: string, username = BOB.username) =>
      runCli(['break-glass', '--username', username], { dataDir: dir, stdin: line(password) });

    // Ada is still an active admin: refused, nothing changes.
    let r = await breakGlass(BOB.password);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error ADMIN_EXISTS: /);

    // The last admin cannot remove themselves from the command line either.
    r = await runCli(['disable', '--admin', ADMIN.username, '--username', ADMIN.username], { dataDir: dir, stdin: line(ADMIN.password) });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error LAST_ADMIN: /);

    // A restored backup without an active admin.
    await editCatalog(dir, (catalog) => catalog.users.setRole(catalog.users.byUsername(ADMIN.username)!.id, 'user', Date.now()));
    r = await breakGlass('not bob at all, surely');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error WRONG_CREDENTIALS: /);
    r = await breakGlass(BOB.password);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('bob is now an administrator');

    const roles = await editCatalog(dir, (catalog) => catalog.users.list().map((u) => [u.username, u.role]));
    expect(Object.fromEntries(roles)).toEqual({ ada: 'user', bob: 'admin' });
    const events = await editCatalog(dir, (catalog) => catalog.audit.query({ action: 'admin_break_glass' }));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: w.bobId, targetId: w.bobId });

    // Once there is an admin again, the door is shut.
    r = await breakGlass(ADMIN.password, ADMIN.username);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error ADMIN_EXISTS: /);
  });
});
