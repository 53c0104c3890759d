import { requiredString } from '../args';
import { openExisting } from '../context';
import { print } from '../output';
import { DATA_DIR_HELP, type Command } from './command';

/**
 * For an install left with no active administrator (a restored backup, an admin who left):
 * anyone who can run the command line on this OS account and sign in as an active user may
 * become an administrator, only in that state. It is audited.
 */
export const breakGlass: Command = {
  name: 'break-glass',
  summary: 'Make a person an administrator when no active administrator is left',
  usage: 'cubby break-glass --username <name>',
  options: { username: { type: 'string' } },
  help: [
    '  --username <name>   the active account that becomes an administrator',
    DATA_DIR_HELP,
    '',
    'Works only while the install has no active administrator (otherwise: ADMIN_EXISTS, and',
    'that administrator should change the role). The person signs in with their own password:',
    'asked on the terminal (hidden), or read as the first line of stdin when it is not a terminal.',
    'The change is written to the audit log.',
  ].join('\n'),

  async run(values, ctx) {
    const username = requiredString(values, 'username');
    const accounts = await openExisting(ctx);
    try {
      const password = await ctx.prompt.secret(`Password for ${username}: `);
      const session = await accounts.login(username, password);
      try {
        accounts.promoteWhenNoAdmin(session);
      } finally {
        accounts.lock(session);
      }
    } finally {
      accounts.close();
    }
    print(`${username} is now an administrator.`);
  },
};
