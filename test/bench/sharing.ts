/**
 * Shared agents at the scale of a school: 100 people, 50 groups, 1,000 shared agents and
 * 10,000 grants in the catalog (SQLCipher, opened as the catalog is), against the same schema
 * and rows in plain SQLite. Figures: the "shared with me" list per person (ms), and the access
 * check that runs before every chat call (µs) next to the plain read of the agent's row.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import type { Catalog } from '../../main/core/catalog/catalog';
import { CATALOG_MIGRATIONS } from '../../main/core/catalog/schema';
import { SharedAgents } from '../../main/core/catalog/sharedAgents';
import type { UserRecord } from '../../main/core/catalog/users';
import { migrate } from '../../main/core/db/migrations';
import { openEncrypted, type Db } from '../../main/core/db/sqlcipher';
import { CubbyError } from '../../main/core/errors';
import { requireAccess } from '../../main/core/sharing/access';
import { summaryOf } from '../../main/core/sharing/views';
import { levelOfRank } from '../../main/core/sharing/levels';
import { fmt, median, table, title } from './report';

const USERS = 100;
const GROUPS = 50;
const AGENTS = 1_000;
const GRANTS = 10_000;
const LISTS = 300;
const CHECKS = 20_000;

interface World {
  users: string[];
  agents: string[];
}

function populate(db: Db): World {
  const now = Date.now();
  const users = Array.from({ length: USERS }, () => randomUUID());
  const groups = Array.from({ length: GROUPS }, () => randomUUID());
  const agents = Array.from({ length: AGENTS }, () => randomUUID());
  db.transaction(() => {
    const user = db.prepare("INSERT INTO users (id, username, display_name, role, status, created_at, updated_at) VALUES (?, ?, ?, 'user', 'active', ?, ?)");
    users.forEach((id, i) => user.run(id, `person${i}`, `Person ${i}`, now, now));
    const group = db.prepare('INSERT INTO groups (id, name, name_key, created_at) VALUES (?, ?, ?, ?)');
    groups.forEach((id, i) => group.run(id, `Group ${i}`, `group ${i}`, now));
    const member = db.prepare('INSERT OR IGNORE INTO group_members (group_id, user_id, added_at) VALUES (?, ?, ?)');
    for (const u of users) for (let k = 0; k < 3; k++) member.run(groups[randomInt(GROUPS)], u, now);
    const shared = new SharedAgents(db);
    for (const [i, id] of agents.entries()) {
      shared.insert(id, users[randomInt(USERS)]!, {
        name: `Agent ${i}`,
        description: 'A shared agent for the bench.',
        avatarColor: '#4f6bed',
        instructions: 'x'.repeat(400),
        providerKind: 'openai',
        baseUrl: null,
        model: 'gpt-x',
        temperature: null,
        maxOutputTokens: null,
        memoryAccess: 'off',
      }, now);
    }
    const grant = db.prepare('INSERT OR IGNORE INTO agent_grants (agent_id, subject_type, subject_id, level, granted_by, granted_at) VALUES (?, ?, ?, ?, NULL, ?)');
    let made = 0;
    while (made < GRANTS) {
      const toGroup = randomInt(4) === 0;
      made += grant.run(agents[randomInt(AGENTS)], toGroup ? 'group' : 'user', toGroup ? groups[randomInt(GROUPS)] : users[randomInt(USERS)], 1 + randomInt(5), now).changes;
    }
  })();
  return { users, agents };
}

function measure(db: Db, w: World) {
  const shared = new SharedAgents(db);
  const catalog = { sharedAgents: shared } as unknown as Catalog;
  const listMs: number[] = [];
  let seen = 0;
  for (let i = 0; i < LISTS; i++) {
    const userId = w.users[randomInt(USERS)]!;
    const start = performance.now();
    const list = shared.visibleTo(userId).map((a) => summaryOf(a, a.ownerId === userId ? 'manage' : levelOfRank(a.grantRank)!, userId));
    listMs.push(performance.now() - start);
    seen += list.length;
  }
  const pairs = Array.from({ length: CHECKS }, () => [w.users[randomInt(USERS)]!, w.agents[randomInt(AGENTS)]!] as const);
  const users = new Map(w.users.map((id) => [id, { id, role: 'user' } as UserRecord]));
  let start = performance.now();
  for (const [, agentId] of pairs) shared.byId(agentId);
  const readUs = ((performance.now() - start) * 1000) / CHECKS;
  start = performance.now();
  let allowed = 0;
  for (const [userId, agentId] of pairs) {
    try {
      requireAccess(catalog, users.get(userId)!, agentId, 'chat');
      allowed++;
    } catch {
      // no access: the refusal costs the same lookups
    }
  }
  const checkUs = ((performance.now() - start) * 1000) / CHECKS;
  return { listMs: median(listMs), perList: seen / LISTS, readUs, checkUs, allowed: allowed / CHECKS };
}

export function benchSharing(): void {
  title(`Shared agents: ${USERS} people, ${GROUPS} groups, ${AGENTS.toLocaleString('en-US')} agents, ${GRANTS.toLocaleString('en-US')} grants`);
  const dir = mkdtempSync(join(tmpdir(), 'cubby-bench-sharing-'));
  try {
    const plain = new Database(join(dir, 'plain.db'));
    plain.pragma('journal_mode=WAL');
    plain.pragma('foreign_keys=ON');
    const vault = openEncrypted(join(dir, 'catalog.db'), randomBytes(32), () => new CubbyError('INTERNAL', 'bench: bad key'), { synchronous: 'FULL', secureDelete: true });
    const results = [plain, vault].map((db) => {
      migrate(db, CATALOG_MIGRATIONS, 'catalog');
      const r = measure(db, populate(db));
      db.close();
      return r;
    });
    const [p, c] = results as [ReturnType<typeof measure>, ReturnType<typeof measure>];
    table(
      ['', 'plain SQLite', 'catalog (SQLCipher)', 'catalog / plain'],
      [
        [`"shared with me" list, median of ${LISTS} (ms; ${fmt(c.perList, 0)} agents each)`, fmt(p.listMs, 2), fmt(c.listMs, 2), fmt(c.listMs / p.listMs, 2)],
        ['read the agent row alone (µs)', fmt(p.readUs, 1), fmt(c.readUs, 1), fmt(c.readUs / p.readUs, 2)],
        [`access check before a chat call (µs; ${fmt(c.allowed * 100, 0)} % allowed)`, fmt(p.checkUs, 1), fmt(c.checkUs, 1), fmt(c.checkUs / p.checkUs, 2)],
      ],
    );
    console.log(`The access check adds ${fmt(c.checkUs - c.readUs, 1)} µs to reading the agent's row in the catalog.`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
