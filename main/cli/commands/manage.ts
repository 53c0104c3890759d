import { CubbyError } from '../../core/errors';
import { requiredString, UsageError } from '../args';
import { withAccountClosedInApp, type AppClosed } from '../appControl';
import { asAdmin, findUser } from '../context';
import { notice, print } from '../output';
import { ADMIN_PASSWORD_HELP, DATA_DIR_HELP, type Command } from './command';

/** Say what the running app did, on stderr: results stay alone on stdout. */
function tellClosed(closed: AppClosed, username: string): void {
  if (closed.appRunning && closed.sessions > 0) {
    notice(`Cubby is running: it closed ${closed.sessions === 1 ? 'the open session' : `${closed.sessions} open sessions`} of ${username} first.`);
  }
}

const APP_HELP =
  'If Cubby is running on this data directory, it first closes the account\'s open sessions (their windows lock).';

const COMMON_HELP = ['  --admin <name>      the administrator running the command', '  --username <name>   the account to change'];

function statusCommand(name: 'disable' | 'enable', disabled: boolean): Command {
  return {
    name,
    summary: disabled ? 'Disable an account (it cannot sign in; its data stays)' : 'Enable a disabled account',
    usage: `cubby ${name} --admin <name> --username <name>`,
    options: { admin: { type: 'string' }, username: { type: 'string' } },
    help: [...COMMON_HELP, DATA_DIR_HELP, '', ...(disabled ? [APP_HELP] : []), ADMIN_PASSWORD_HELP].join('\n'),
    async run(values, ctx) {
      const username = requiredString(values, 'username');
      await asAdmin(ctx, requiredString(values, 'admin'), async (accounts, admin) => {
        const target = findUser(accounts, admin, username);
        if (!disabled) return accounts.setDisabled(admin, target.id, false);
        // Refused before the app is asked: a refused change must not lock anyone's window.
        accounts.checkRemovable(admin, target.id);
        await withAccountClosedInApp(ctx.dataDir, target.id, (closed) => {
          tellClosed(closed, target.username);
          accounts.setDisabled(admin, target.id, true);
        });
      });
      print(`${disabled ? 'Disabled' : 'Enabled'} ${username}.`);
    },
  };
}

export const disable = statusCommand('disable', true);
export const enable = statusCommand('enable', false);

export const unlock: Command = {
  name: 'unlock',
  summary: 'Clear an account\'s lockout after failed sign-ins',
  usage: 'cubby unlock --admin <name> --username <name>',
  options: { admin: { type: 'string' }, username: { type: 'string' } },
  help: [...COMMON_HELP, DATA_DIR_HELP, '', ADMIN_PASSWORD_HELP].join('\n'),
  async run(values, ctx) {
    const username = requiredString(values, 'username');
    await asAdmin(ctx, requiredString(values, 'admin'), (accounts, admin) => {
      accounts.clearLockout(admin, findUser(accounts, admin, username).id);
    });
    print(`Cleared the lockout of ${username}.`);
  },
};

export const remove: Command = {
  name: 'delete',
  summary: 'Delete an account and destroy its vault (cannot be undone)',
  usage: 'cubby delete --admin <name> --username <name> [--yes]',
  options: { admin: { type: 'string' }, username: { type: 'string' }, yes: { type: 'boolean' } },
  help: [
    ...COMMON_HELP,
    '  --yes               do not ask to type the username to confirm',
    DATA_DIR_HELP,
    '',
    "The account's keychain entry, keys and vault file are destroyed: its data cannot be recovered.",
    APP_HELP,
    'Without --yes, the username must be typed again on the terminal.',
    ADMIN_PASSWORD_HELP,
  ].join('\n'),
  async run(values, ctx) {
    const username = requiredString(values, 'username');
    if (!values.yes && !ctx.prompt.interactive) throw new UsageError('delete needs --yes when stdin is not a terminal.');
    await asAdmin(ctx, requiredString(values, 'admin'), async (accounts, admin) => {
      const target = findUser(accounts, admin, username);
      if (!values.yes) {
        const typed = await ctx.prompt.line(`This destroys ${target.username}'s vault for good. Type the username to confirm: `);
        if (typed.trim().toLowerCase() !== target.username.toLowerCase()) {
          throw new CubbyError('VALIDATION', 'The username did not match. Nothing was deleted.');
        }
      }
      accounts.checkRemovable(admin, target.id);
      await withAccountClosedInApp(ctx.dataDir, target.id, async (closed) => {
        tellClosed(closed, target.username);
        await accounts.deleteUser(admin, target.id);
      });
    });
    print(`Deleted ${username} and destroyed their vault.`);
  },
};
