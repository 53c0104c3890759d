/**
 * Which vault tables sync, by which global key, and which of their columns (issue 12).
 *
 * A row is named across devices by its global key: the UUID `id` where there is one, a random
 * `uid` for the two tables whose ids are local integers (messages, run_logs: each device numbers
 * its own), `run_id:idx` for run steps, and the key itself for settings. Local integer columns
 * (messages.id, run_logs.id, *.seq) never travel; a reference by integer (attachments.message_id)
 * travels as the parent's global key and is translated back on apply.
 *
 * Fields are only ever appended to a table's list: the stored hashes follow this order.
 * Changing the list or the triggers needs a new vault migration that calls
 * `installChangeTriggers` again (it drops and recreates them).
 */

export interface RefSpec {
  /** The column (a field or a key column) that names the parent. */
  column: string;
  parent: string;
  /** What the vault schema does to this row when the parent is deleted. */
  onDelete: 'cascade' | 'set-null';
  /** Set when the column holds the parent's local integer id (this column) rather than its global key. */
  parentLocalColumn?: string;
}

export interface KeySpec {
  columns: readonly string[];
  /** The global key of the row `alias` as an SQL expression. */
  expr(alias: string): string;
  /** An SQL condition: row `alias` has the global key given by the SQL expression `key`. */
  match(alias: string, key: string): string;
  /** The key columns' values, or null for a key this table can never have. */
  split(key: string): (string | number)[] | null;
}

export interface TableSpec {
  tbl: string;
  key: KeySpec;
  /** Synced columns, in a fixed order (never reordered, only appended to). */
  fields: readonly string[];
  refs: readonly RefSpec[];
  /** Fields whose lost versions the conflicts list shows (the person may want their text back). */
  longText: readonly string[];
  /**
   * Rows written once by one device (a message while it streams, a step, a log line): edits that
   * arrive after the row was deleted are dropped without being recorded as losses (the delete
   * explains them).
   */
  insertOnly: boolean;
  /** Rows that come and go under the same key (settings): no tombstones; absent = every field null. */
  absentIsNull?: { presence: string; fallback: Readonly<Record<string, number | string>> };
  /** Keys that stay on this device (SQL over the key expression `k`, and the same test in JS). */
  deviceLocal?: { sql(k: string): string; test(key: string): boolean };
  /**
   * A status that means "a device is working on this now". Only the device that set it may move
   * it on: another device marking it interrupted at unlock (it saw no live stream of its own) keeps
   * that to itself, and the working device's final status wins when it arrives. `with`: the
   * fields the interruption also sets; the working device sends them with every status change,
   * so its final values replace the interrupted ones everywhere.
   */
  liveStatus?: { field: string; live: readonly string[]; interrupted: string; with: readonly string[] };
  /** How a person recognizes a row in the conflicts list. */
  label: { noun: string; nameColumn?: string };
  /** Fields whose values never leave main (secret values): the conflicts list shows neither version. */
  writeOnly?: readonly string[];
}

function columnKey(column: string): KeySpec {
  return {
    columns: [column],
    expr: (a) => `${a}.${column}`,
    match: (a, k) => `${a}.${column} = ${k}`,
    split: (key) => [key],
  };
}

/** run_steps: `<run id>:<idx>`; a run id never contains ':'. */
const runStepKey: KeySpec = {
  columns: ['run_id', 'idx'],
  expr: (a) => `${a}.run_id || ':' || ${a}.idx`,
  match: (a, k) => `${a}.run_id = substr(${k}, 1, instr(${k}, ':') - 1) AND ${a}.idx = CAST(substr(${k}, instr(${k}, ':') + 1) AS INTEGER)`,
  split: (key) => {
    const m = /^([^:]+):(0|[1-9][0-9]{0,8})$/.exec(key);
    return m ? [m[1]!, Number(m[2])] : null;
  },
};

/**
 * Settings that belong to this computer: the idle-lock time (a clinic desk and a laptop need
 * different ones), choices about the catalog's shared agents (the catalog belongs to one
 * install), and anything sync keeps for itself.
 */
const DEVICE_LOCAL_SETTINGS = { exact: ['lock.idleMinutes'], prefixes: ['sharedAgentMemory:', 'sync.'] } as const;

const settingsLocal = {
  sql: (k: string) =>
    `(${k} IN (${DEVICE_LOCAL_SETTINGS.exact.map((e) => `'${e}'`).join(', ')}) OR ${DEVICE_LOCAL_SETTINGS.prefixes
      .map((p) => `substr(${k}, 1, ${p.length}) = '${p}'`)
      .join(' OR ')})`,
  test: (key: string) =>
    (DEVICE_LOCAL_SETTINGS.exact as readonly string[]).includes(key) || DEVICE_LOCAL_SETTINGS.prefixes.some((p) => key.startsWith(p)),
};

const base = { refs: [], longText: [], insertOnly: false } as const;

/** Parents before children: a batch applied in this order needs no waiting. */
export const SYNCED_TABLES: readonly TableSpec[] = [
  {
    ...base,
    tbl: 'settings',
    key: columnKey('key'),
    fields: ['value', 'updated_at'],
    absentIsNull: { presence: 'value', fallback: { updated_at: 0 } },
    deviceLocal: settingsLocal,
    label: { noun: 'Setting' },
  },
  {
    ...base,
    tbl: 'secrets',
    key: columnKey('id'),
    fields: ['name', 'value', 'last4', 'created_at', 'updated_at'],
    writeOnly: ['value'],
    label: { noun: 'Secret', nameColumn: 'name' },
  },
  {
    ...base,
    tbl: 'provider_connections',
    key: columnKey('id'),
    fields: ['kind', 'name', 'base_url', 'secret_id', 'created_at', 'updated_at'],
    refs: [{ column: 'secret_id', parent: 'secrets', onDelete: 'set-null' }],
    label: { noun: 'Connection', nameColumn: 'name' },
  },
  {
    ...base,
    tbl: 'agents',
    key: columnKey('id'),
    fields: [
      'name', 'description', 'avatar_color', 'instructions', 'connection_id', 'model', 'temperature',
      'max_output_tokens', 'memory_access', 'published_id', 'created_at', 'updated_at',
    ],
    refs: [{ column: 'connection_id', parent: 'provider_connections', onDelete: 'set-null' }],
    longText: ['instructions', 'description'],
    label: { noun: 'Agent', nameColumn: 'name' },
  },
  {
    ...base,
    tbl: 'conversations',
    key: columnKey('id'),
    fields: ['title', 'agent_id', 'agent_name', 'shared_agent_id', 'pinned', 'created_at', 'updated_at'],
    refs: [{ column: 'agent_id', parent: 'agents', onDelete: 'set-null' }],
    longText: ['title'],
    label: { noun: 'Conversation', nameColumn: 'title' },
  },
  {
    ...base,
    tbl: 'messages',
    key: columnKey('uid'),
    fields: [
      'conversation_id', 'role', 'content', 'model', 'input_tokens', 'output_tokens', 'ttft_ms', 'total_ms',
      'status', 'error_code', 'tool_calls_json', 'created_at', 'updated_at',
    ],
    refs: [{ column: 'conversation_id', parent: 'conversations', onDelete: 'cascade' }],
    insertOnly: true,
    liveStatus: { field: 'status', live: ['streaming'], interrupted: 'interrupted', with: ['updated_at'] },
    label: { noun: 'Message' },
  },
  {
    ...base,
    tbl: 'attachments',
    key: columnKey('id'),
    fields: ['message_id', 'kind', 'name', 'mime', 'bytes', 'size', 'created_at'],
    refs: [{ column: 'message_id', parent: 'messages', onDelete: 'cascade', parentLocalColumn: 'id' }],
    insertOnly: true,
    label: { noun: 'Attachment', nameColumn: 'name' },
  },
  {
    ...base,
    tbl: 'memory_facts',
    key: columnKey('id'),
    fields: ['text', 'source', 'created_at', 'updated_at'],
    longText: ['text'],
    label: { noun: 'Memory fact' },
  },
  {
    ...base,
    tbl: 'workflows',
    key: columnKey('id'),
    // Not last_tick_at: when this computer's scheduler last looked (missed runs are per computer).
    fields: [
      'name', 'inputs_json', 'steps_json', 'schedule_cron', 'schedule_label', 'timezone', 'allow_background',
      'catch_up', 'enabled', 'time_limit_ms', 'created_at', 'updated_at',
    ],
    longText: ['steps_json'],
    label: { noun: 'Workflow', nameColumn: 'name' },
  },
  {
    ...base,
    tbl: 'runs',
    key: columnKey('id'),
    fields: [
      'workflow_id', 'workflow_name', 'status', 'trigger', 'inputs_json', 'due_at', 'started_at', 'finished_at',
      'error_code', 'error_message', 'created_at',
    ],
    refs: [{ column: 'workflow_id', parent: 'workflows', onDelete: 'set-null' }],
    liveStatus: { field: 'status', live: ['queued', 'running'], interrupted: 'interrupted', with: ['finished_at', 'error_code', 'error_message'] },
    label: { noun: 'Run', nameColumn: 'workflow_name' },
  },
  {
    ...base,
    tbl: 'run_steps',
    key: runStepKey,
    fields: ['kind', 'status', 'input', 'output', 'input_tokens', 'output_tokens', 'started_at', 'finished_at', 'error_code', 'error_message'],
    refs: [{ column: 'run_id', parent: 'runs', onDelete: 'cascade' }],
    insertOnly: true,
    label: { noun: 'Run step' },
  },
  {
    ...base,
    tbl: 'run_logs',
    key: columnKey('uid'),
    fields: ['run_id', 'at', 'level', 'message'],
    refs: [{ column: 'run_id', parent: 'runs', onDelete: 'cascade' }],
    insertOnly: true,
    label: { noun: 'Run log line' },
  },
];

/** Vault tables that never sync, and why (a test checks every vault table is in one list or the other). */
export const NOT_SYNCED: Readonly<Record<string, string>> = {
  vault_meta: "This vault's own bookkeeping (for example whether the starter agent was made here).",
  memory_vectors: 'Derived from memory facts by an embedding model; each device backfills its own.',
  memory_embedding_config: "Which embedding model this device uses; vectors are each device's own.",
  tool_servers: "Commands and paths on this computer; they would not run, or would run something else, on another.",
  tool_approvals: 'Approvals of the tools of this computer’s tool servers.',
  messages_fts: 'Search index, rebuilt from messages by triggers on every device.',
  conversations_fts: 'Search index, rebuilt from conversations by triggers on every device.',
  memory_fts: 'Search index, rebuilt from memory facts by triggers on every device.',
  sync_dirty: "Sync's own bookkeeping.",
  sync_rows: "Sync's own bookkeeping.",
  sync_pending: "Sync's own bookkeeping.",
  sync_conflicts: 'Losing versions, listed on the device that saw them.',
};

export const SPEC_BY_TABLE: ReadonlyMap<string, TableSpec> = new Map(SYNCED_TABLES.map((s) => [s.tbl, s]));

/** The value of field `column` as sync sees it, selected from row `alias` (a local integer reference becomes the parent's key). */
export function fieldSelectSql(spec: TableSpec, column: string, alias: string): string {
  const ref = spec.refs.find((r) => r.column === column && r.parentLocalColumn);
  if (!ref) return `${alias}.${column}`;
  const parent = SPEC_BY_TABLE.get(ref.parent)!;
  return `(SELECT ${parent.key.expr('p')} FROM ${parent.tbl} p WHERE p.${ref.parentLocalColumn} = ${alias}.${column})`;
}

/**
 * The dirty-marking triggers of one table: every insert, update of a synced column, and delete.
 * No INSERT OR IGNORE: inside a trigger fired by a foreign-key action (ON DELETE SET NULL) SQLite
 * replaces the IGNORE with ABORT, so an existing mark is skipped with NOT EXISTS instead.
 */
function triggerSql(spec: TableSpec): string {
  const { tbl } = spec;
  const mark = (row: 'NEW' | 'OLD', extra = '') => {
    const k = spec.key.expr(row);
    const local = spec.deviceLocal ? ` AND NOT ${spec.deviceLocal.sql(k)}` : '';
    return `INSERT INTO sync_dirty (tbl, key) SELECT '${tbl}', ${k} WHERE ${k} IS NOT NULL${local}${extra}
      AND NOT EXISTS (SELECT 1 FROM sync_dirty WHERE tbl = '${tbl}' AND key = ${k});`;
  };
  const columns = [...new Set([...spec.key.columns, ...spec.fields])].join(', ');
  return `
    CREATE TRIGGER sync_dirty_${tbl}_ai AFTER INSERT ON ${tbl} BEGIN ${mark('NEW')} END;
    CREATE TRIGGER sync_dirty_${tbl}_au AFTER UPDATE OF ${columns} ON ${tbl} BEGIN
      ${mark('NEW')} ${mark('OLD', ` AND ${spec.key.expr('OLD')} IS NOT ${spec.key.expr('NEW')}`)}
    END;
    CREATE TRIGGER sync_dirty_${tbl}_ad AFTER DELETE ON ${tbl} BEGIN ${mark('OLD')} END;`;
}

/** (Re)create the triggers that mark changed rows, for every synced table. */
export function changeTriggersSql(): string {
  return SYNCED_TABLES.map(
    (s) => `DROP TRIGGER IF EXISTS sync_dirty_${s.tbl}_ai; DROP TRIGGER IF EXISTS sync_dirty_${s.tbl}_au; DROP TRIGGER IF EXISTS sync_dirty_${s.tbl}_ad;${triggerSql(s)}`,
  ).join('\n');
}

/** Mark every existing synced row changed, so the first capture sends everything. */
export function markAllDirtySql(): string {
  return SYNCED_TABLES.map((s) => {
    const k = s.key.expr('t');
    const local = s.deviceLocal ? ` WHERE NOT ${s.deviceLocal.sql(k)}` : '';
    return `INSERT OR IGNORE INTO sync_dirty (tbl, key) SELECT '${s.tbl}', ${k} FROM ${s.tbl} t${local};`;
  }).join('\n');
}
