import { oneOf, requiredString } from '../args';
import { asAdmin } from '../context';
import { formatDuration, formatInviteCode, formatTime, print, printJson } from '../output';
import { ADMIN_PASSWORD_HELP, DATA_DIR_HELP, type Command } from './command';

export const invite: Command = {
  name: 'invite',
  summary: 'Invite a new user (prints an 8-digit code)',
  usage: 'cubby invite --admin <name> --username <name> --display-name <name> [--role user|admin] [--json]',
  options: {
    admin: { type: 'string' },
    username: { type: 'string' },
    'display-name': { type: 'string' },
    role: { type: 'string' },
    json: { type: 'boolean' },
  },
  help: [
    '  --admin <name>          the administrator running the command',
    '  --username <name>       the new user\'s username',
    '  --display-name <name>   the name shown in Cubby',
    '  --role user|admin       default: user',
    '  --json                  print {username, code, expiresAt} as JSON',
    DATA_DIR_HELP,
    '',
    'The user redeems the code in Cubby and chooses their own password there.',
    ADMIN_PASSWORD_HELP,
  ].join('\n'),

  async run(values, ctx) {
    const adminName = requiredString(values, 'admin');
    const username = requiredString(values, 'username');
    const displayName = requiredString(values, 'display-name');
    const role = oneOf(values, 'role', ['user', 'admin'] as const, 'user')!;
    const created = await asAdmin(ctx, adminName, (accounts, admin) => accounts.createInvite(admin, { username, displayName, role }));
    const code = formatInviteCode(created.code);
    if (values.json) {
      printJson({ username, role, code, expiresAt: new Date(created.expiresAt).toISOString() });
      return;
    }
    print(`Invite for ${username} (${displayName}, ${role}):`);
    print();
    print(`    ${code}`);
    print();
    print(`Valid until ${formatTime(created.expiresAt)} (${formatDuration(created.expiresAt - Date.now())}); it works once.`);
  },
};
