import type { UserSummary } from '../../core/accounts/accounts';
import { requiredString } from '../args';
import { asAdmin } from '../context';
import { formatTime, printJson, printTable } from '../output';
import { ADMIN_PASSWORD_HELP, DATA_DIR_HELP, type Command } from './command';

function status(u: UserSummary): string {
  if (u.status === 'invited' && u.invite) return u.invite.expired ? 'invited (expired)' : `invited until ${formatTime(u.invite.expiresAt)}`;
  return u.status;
}

export const users: Command = {
  name: 'users',
  summary: 'List accounts',
  usage: 'cubby users --admin <name> [--json]',
  options: { admin: { type: 'string' }, json: { type: 'boolean' } },
  help: ['  --admin <name>   the administrator running the command', '  --json           print the accounts as JSON', DATA_DIR_HELP, '', ADMIN_PASSWORD_HELP].join(
    '\n',
  ),

  async run(values, ctx) {
    const list = await asAdmin(ctx, requiredString(values, 'admin'), (accounts, admin) => accounts.listUsers(admin));
    if (values.json) {
      printJson(list);
      return;
    }
    printTable(
      ['USERNAME', 'DISPLAY NAME', 'ROLE', 'STATUS', 'LAST LOGIN', 'LOCKED'],
      list.map((u) => [
        u.username,
        u.displayName,
        u.role,
        status(u),
        formatTime(u.lastLoginAt),
        u.lockedUntil ? `until ${formatTime(u.lockedUntil)}` : 'no',
      ]),
    );
  },
};
