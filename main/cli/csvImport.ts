/**
 * The CSV of `cubby import-users`: parsing and checking rows, with nothing written. Every bad
 * row is reported with its line number, so a file can be fixed in one go.
 */
import { parse } from 'csv-parse/sync';
import { checkDisplayName, checkUsername } from '../core/accounts/policy';
import type { Role } from '../core/catalog/users';
import { isCubbyError } from '../core/errors';

export const MAX_CSV_BYTES = 1 << 20;
export const MAX_ROWS = 5000;

export interface ImportRow {
  line: number;
  username: string;
  displayName: string;
  role: Role;
  groups: string[];
}

export interface RowProblem {
  line: number;
  message: string;
}

const HEADER = ['username', 'displayname', 'role'];
const CONTROL = /[\u0000-\u001f\u007f]/;

/** What the catalog knows, for the checks that need it. */
export interface ImportLookup {
  accountExists(username: string): boolean;
  groupExists(name: string): boolean;
}

function messageOf(e: unknown): string {
  return isCubbyError(e) ? e.message : 'is not valid';
}

/** Parse and check the whole file. Rows come back only when there are no problems at all. */
/** A cell as it may be printed on a terminal: quoted, control characters escaped, not too long. */
function shown(cell: string): string {
  const text = JSON.stringify(cell.length > 64 ? `${cell.slice(0, 64)}…` : cell);
  return text.replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function checkImport(text: string, lookup: ImportLookup): { rows: ImportRow[]; problems: RowProblem[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 1;
    return { rows: [], problems: [{ line, message: 'the file is not valid CSV here (an unclosed quote?); nothing after it could be read' }] };
  }
  if (records.length === 0) return { rows: [], problems: [{ line: 1, message: 'the file is empty; the first line must be: username,displayName,role[,groups]' }] };

  // A quoted field may span lines: a record starts where it ends, minus the line breaks inside it.
  const startLine = (r: (typeof records)[number]) => r.info.lines - r.record.join('').split('\n').length + 1;
  const [header, ...body] = records;
  const columns = header!.record.map((c) => c.toLowerCase());
  const withGroups = columns.length === 4 && columns[3] === 'groups';
  if (!(columns.length === 3 || withGroups) || HEADER.some((h, i) => columns[i] !== h)) {
    return { rows: [], problems: [{ line: startLine(header!), message: 'the first line must be: username,displayName,role or username,displayName,role,groups' }] };
  }
  if (body.length === 0) return { rows: [], problems: [{ line: startLine(header!), message: 'there are no rows after the header' }] };
  if (body.length > MAX_ROWS) return { rows: [], problems: [{ line: startLine(body[MAX_ROWS]!), message: `at most ${MAX_ROWS} rows per file` }] };

  const rows: ImportRow[] = [];
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  for (const r of body) {
    const line = startLine(r);
    const bad = (message: string) => problems.push({ line, message });
    if (r.record.length !== columns.length) {
      bad(`expected ${columns.length} columns, found ${r.record.length}`);
      continue;
    }
    const [username, displayName, role, groupCell = ''] = r.record as [string, string, string, string?];
    const before = problems.length;
    try {
      checkUsername(username);
      const key = username.toLowerCase();
      if (seen.has(key)) bad(`username ${shown(username)} is also on line ${seen.get(key)}`);
      else if (lookup.accountExists(username)) bad(`an account named ${shown(username)} already exists`);
      seen.set(key, seen.get(key) ?? line);
    } catch (e) {
      bad(`username ${shown(username)}: ${messageOf(e)}`);
    }
    try {
      checkDisplayName(displayName);
      if (CONTROL.test(displayName)) bad('the display name has line breaks or control characters');
    } catch (e) {
      bad(`display name: ${messageOf(e)}`);
    }
    if (role !== 'user' && role !== 'admin') bad(`role must be user or admin, not ${shown(role)}`);
    const groups = [...new Set(groupCell.split(';').map((g) => g.trim()).filter((g) => g.length > 0))];
    for (const g of groups) if (!lookup.groupExists(g)) bad(`there is no group named ${shown(g)} (create it first: cubby groups create)`);
    if (problems.length === before) rows.push({ line, username, displayName: displayName.trim(), role: role as Role, groups });
  }
  return problems.length > 0 ? { rows: [], problems } : { rows, problems };
}
