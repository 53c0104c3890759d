import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeSync, fchmodSync } from 'node:fs';
import { GroupService } from '../../core/accounts/groups';
import { groupNameKey } from '../../core/catalog/groups';
import { CubbyError } from '../../core/errors';
import { requiredString, optionalString, UsageError } from '../args';
import { asAdmin } from '../context';
import { checkImport, MAX_CSV_BYTES, type ImportRow } from '../csvImport';
import { formatInviteCode, formatTime, notice, print, printError, printJson, printTable } from '../output';
import { ADMIN_PASSWORD_HELP, DATA_DIR_HELP, type Command } from './command';

interface Created {
  username: string;
  code: string;
  expiresAt: number;
}

function readCsv(file: string): string {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    throw new UsageError('--file must name a CSV file this OS account can read.');
  }
  if (size > MAX_CSV_BYTES) throw new CubbyError('VALIDATION', `The CSV file is larger than ${MAX_CSV_BYTES / (1 << 20)} MiB. Split it. Nothing was created.`);
  return readFileSync(file, 'utf8');
}

/** The codes file: created new (never overwriting), readable by this OS account only. */
function reserveCodesFile(path: string): number {
  try {
    const fd = openSync(path, 'wx', 0o600);
    if (process.platform !== 'win32') fchmodSync(fd, 0o600);
    return fd;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CubbyError('VALIDATION', 'The --codes-out file already exists; Cubby never overwrites it. Nothing was created.');
    }
    throw new UsageError('--codes-out must name a new file in a folder this OS account can write.');
  }
}

const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export const importUsers: Command = {
  name: 'import-users',
  summary: 'Invite many users at once from a CSV file (prints their codes)',
  usage: 'cubby import-users --admin <name> --file <users.csv> [--dry-run] [--codes-out <file>] [--json]',
  options: { admin: { type: 'string' }, file: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'codes-out': { type: 'string' }, json: { type: 'boolean' } },
  help: [
    '  --admin <name>       the administrator running the command',
    '  --file <users.csv>   the accounts to invite (format below)',
    '  --dry-run            check the file and show what would be created; change nothing',
    '  --codes-out <file>   write username,code,expiresAt to this new file (mode 0600) instead of',
    '                       printing the codes; an existing file is never overwritten',
    '  --json               print [{username, code, expiresAt}] as JSON',
    DATA_DIR_HELP,
    '',
    'CSV (UTF-8, comma-separated, first line is the header):',
    '  username,displayName,role,groups',
    '  bob,Bob Builder,user,staff;night shift',
    '  carol,"Jones, Carol",admin,',
    'role is user or admin; groups (optional column) are existing group names separated by ;.',
    'Every row is checked first. If any row has a problem (each is reported with its line),',
    'nothing is created. Otherwise each row gets an invite (and its group memberships); people',
    'redeem their code in Cubby and choose their own password there. No password is ever read.',
    ADMIN_PASSWORD_HELP,
  ].join('\n'),

  async run(values, ctx) {
    const adminName = requiredString(values, 'admin');
    const text = readCsv(requiredString(values, 'file'));
    const dryRun = values['dry-run'] === true;
    const codesOut = optionalString(values, 'codes-out');
    if (codesOut !== undefined && dryRun) throw new UsageError('--codes-out and --dry-run do not go together: a dry run creates no codes.');
    if (codesOut !== undefined && existsSync(codesOut)) {
      throw new CubbyError('VALIDATION', 'The --codes-out file already exists; Cubby never overwrites it. Nothing was created.');
    }

    const outcome = await asAdmin(ctx, adminName, async (accounts, admin) => {
      const groupService = new GroupService(accounts);
      const groups = new Map(groupService.list(admin).map((g) => [groupNameKey(g.name), g.id]));
      const taken = new Set(accounts.listUsers(admin).map((u) => u.username.toLowerCase()));
      const { rows, problems } = checkImport(text, {
        accountExists: (u) => taken.has(u.toLowerCase()),
        groupExists: (g) => groups.has(groupNameKey(g)),
      });
      if (problems.length > 0) {
        for (const p of problems) printError('ROW', `line ${p.line}: ${p.message}`);
        const n = problems.length;
        throw new CubbyError('VALIDATION', `${n} problem${n === 1 ? '' : 's'} in the CSV file. Nothing was created.`);
      }
      if (dryRun) return { rows, created: [] as Created[] };

      const fd = codesOut === undefined ? null : reserveCodesFile(codesOut);
      const created: (Created & { userId: string })[] = [];
      let current: ImportRow | undefined;
      try {
        for (const row of rows) {
          current = row;
          const invite = await accounts.createInvite(admin, { username: row.username, displayName: row.displayName, role: row.role });
          created.push({ username: row.username, code: invite.code, expiresAt: invite.expiresAt, userId: invite.userId });
          for (const g of row.groups) groupService.addMember(admin, groups.get(groupNameKey(g))!, invite.userId);
        }
      } catch (e) {
        // Something changed under us (another admin, the disk): take back what this run made.
        for (const c of created) await accounts.deleteUser(admin, c.userId).catch(() => undefined);
        if (fd !== null) {
          closeSync(fd);
          rmSync(codesOut!, { force: true });
        }
        const reason = e instanceof CubbyError ? e.message : 'an unexpected error';
        throw new CubbyError(e instanceof CubbyError ? e.code : 'INTERNAL', `Line ${current?.line}: ${reason} The invites created before it were removed again. Nothing was created.`);
      }
      if (fd !== null) {
        try {
          const lines = ['username,code,expiresAt', ...created.map((c) => [c.username, formatInviteCode(c.code), new Date(c.expiresAt).toISOString()].map(csvField).join(','))];
          writeSync(fd, lines.join('\n') + '\n');
        } finally {
          closeSync(fd);
        }
      }
      return { rows, created: created.map(({ userId: _userId, ...c }) => c) };
    });

    if (dryRun) {
      printTable(
        ['USERNAME', 'DISPLAY NAME', 'ROLE', 'GROUPS'],
        outcome.rows.map((r) => [r.username, r.displayName, r.role, r.groups.join('; ') || '-']),
      );
      notice(`Dry run: the file is valid; ${outcome.rows.length} invite${outcome.rows.length === 1 ? '' : 's'} would be created. Nothing was changed.`);
      return;
    }
    const n = outcome.created.length;
    if (codesOut !== undefined) {
      print(`Created ${n} invite${n === 1 ? '' : 's'}. The codes are in the --codes-out file (readable by this OS account only); hand each person their own.`);
      return;
    }
    if (values.json) {
      printJson(outcome.created.map((c) => ({ username: c.username, code: formatInviteCode(c.code), expiresAt: new Date(c.expiresAt).toISOString() })));
      return;
    }
    printTable(
      ['USERNAME', 'CODE', 'VALID UNTIL'],
      outcome.created.map((c) => [c.username, formatInviteCode(c.code), formatTime(c.expiresAt)]),
    );
    notice(`Created ${n} invite${n === 1 ? '' : 's'}. Each code works once; people choose their own password when they redeem it.`);
  },
};
