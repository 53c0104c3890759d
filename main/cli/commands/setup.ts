import { CubbyError } from '../../core/errors';
import { requiredString } from '../args';
import { checkDataDir, openAccounts } from '../context';
import { notice, print, printJson } from '../output';
import { DATA_DIR_HELP, type Command } from './command';

export const setup: Command = {
  name: 'setup',
  summary: 'First run: create the first administrator',
  usage: 'cubby setup --username <name> --display-name <name> [--json]',
  options: { username: { type: 'string' }, 'display-name': { type: 'string' }, json: { type: 'boolean' } },
  help: [
    '  --username <name>       the administrator\'s username',
    '  --display-name <name>   the name shown in Cubby',
    '  --json                  print {username, displayName, recoveryKey} as JSON',
    DATA_DIR_HELP,
    '',
    'The new password is asked for twice on the terminal (hidden), or read as the first line',
    'of stdin when stdin is not a terminal. The recovery key is printed once: write it down.',
  ].join('\n'),

  async run(values, ctx) {
    const username = requiredString(values, 'username');
    const displayName = requiredString(values, 'display-name');
    checkDataDir(ctx.dataDir, true);
    const accounts = await openAccounts(ctx);
    try {
      if (accounts.isSetUp()) throw new CubbyError('ALREADY_SET_UP', 'Cubby is already set up in this data directory.');
      const password = await ctx.prompt.secret(`New password for ${username}: `);
      if (ctx.prompt.interactive && (await ctx.prompt.secret('Type it again: ')) !== password) {
        throw new CubbyError('VALIDATION', 'The two passwords do not match. Nothing was changed.');
      }
      if (ctx.prompt.interactive) notice('Tuning password hashing to this computer; this takes a few seconds...');
      const created = await accounts.setup({ username, displayName, password });
      accounts.lock(created.session);
      if (values.json) {
        printJson({ username, displayName, recoveryKey: created.recoveryKey });
        return;
      }
      print(`Cubby is set up. ${username} (${displayName}) is the first administrator.`);
      print();
      print('RECOVERY KEY - write this down now and keep it somewhere safe.');
      print('It is shown only this once. It restores access to this account if the password');
      print("is forgotten or this computer's keychain is lost.");
      print();
      print(`    ${created.recoveryKey}`);
      print();
    } finally {
      accounts.close();
    }
  },
};
