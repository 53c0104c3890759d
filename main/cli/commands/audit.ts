import { AUDIT_ACTIONS } from '../../core/catalog/auditActions';
import { notFound } from '../../core/errors';
import { oneOf, optionalString, positiveInt, requiredString } from '../args';
import { asAdmin } from '../context';
import { formatTime, printJson, printTable } from '../output';
import { ADMIN_PASSWORD_HELP, DATA_DIR_HELP, type Command } from './command';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const audit: Command = {
  name: 'audit',
  summary: 'Show the audit log, newest first',
  usage: 'cubby audit --admin <name> [--user <name>] [--action <action>] [--limit <n>] [--json]',
  options: { admin: { type: 'string' }, user: { type: 'string' }, action: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
  help: [
    '  --admin <name>      the administrator running the command',
    '  --user <name|id>    only events where this account acted or was acted on',
    `  --action <action>   only this action: ${AUDIT_ACTIONS.join(', ')}`,
    '  --limit <n>         at most n events (default 200, at most 1000)',
    '  --json              print the events as JSON',
    DATA_DIR_HELP,
    '',
    'Accounts that were deleted show as their id.',
    ADMIN_PASSWORD_HELP,
  ].join('\n'),

  async run(values, ctx) {
    const action = oneOf(values, 'action', AUDIT_ACTIONS);
    const limit = positiveInt(values, 'limit', 1000);
    const user = optionalString(values, 'user');
    const events = await asAdmin(ctx, requiredString(values, 'admin'), (accounts, admin) => {
      const names = new Map(accounts.listUsers(admin).map((u) => [u.id, u.username]));
      let userId: string | undefined;
      if (user !== undefined) {
        // A deleted account can only be named by its id.
        userId = [...names].find(([, name]) => name.toLowerCase() === user.toLowerCase())?.[0] ?? (UUID.test(user) ? user.toLowerCase() : undefined);
        if (!userId) throw notFound('account');
      }
      const party = (id: string | null) => (id ? { id, username: names.get(id) ?? null } : null);
      return accounts.auditLog(admin, { userId, action, limit }).map((e) => ({
        id: e.id,
        at: new Date(e.at).toISOString(),
        atMs: e.at,
        action: e.action,
        actor: party(e.actorId),
        target: party(e.targetId),
        detail: e.detail,
      }));
    });
    if (values.json) {
      printJson(events.map(({ atMs: _atMs, ...e }) => e));
      return;
    }
    const who = (p: { id: string; username: string | null } | null) => (p ? (p.username ?? p.id) : '-');
    printTable(
      ['TIME', 'ACTOR', 'ACTION', 'TARGET', 'DETAIL'],
      events.map((e) => [formatTime(e.atMs), who(e.actor), e.action, who(e.target), e.detail ?? '']),
    );
  },
};
