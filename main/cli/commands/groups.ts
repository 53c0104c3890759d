import { GroupService } from '../../core/accounts/groups';
import { tellAppAccessChanged } from '../appControl';
import { requiredString } from '../args';
import { asAdmin, findUser } from '../context';
import { formatTime, print, printJson, printTable } from '../output';
import { ADMIN_PASSWORD_HELP, DATA_DIR_HELP, type Command } from './command';

const SUBCOMMANDS = ['list', 'create', 'delete', 'add', 'remove'] as const;
type Sub = (typeof SUBCOMMANDS)[number];

export const groups: Command = {
  name: 'groups',
  summary: 'List, create and delete groups of accounts; add and remove members',
  usage: 'cubby groups list|create|delete|add|remove --admin <name> [--group <name>] [--username <name>] [--json]',
  subcommands: SUBCOMMANDS,
  options: { admin: { type: 'string' }, group: { type: 'string' }, username: { type: 'string' }, json: { type: 'boolean' } },
  help: [
    '  cubby groups list   --admin <name> [--json]                         groups and their members',
    '  cubby groups create --admin <name> --group <name>',
    '  cubby groups delete --admin <name> --group <name>                   the accounts stay',
    '  cubby groups add    --admin <name> --group <name> --username <name>',
    '  cubby groups remove --admin <name> --group <name> --username <name>',
    DATA_DIR_HELP,
    '',
    'Group names compare case-insensitively. Every change is in the audit log.',
    ADMIN_PASSWORD_HELP,
  ].join('\n'),

  async run(values, ctx) {
    const sub = values.subcommand as Sub;
    const group = sub === 'list' ? undefined : requiredString(values, 'group');
    const username = sub === 'add' || sub === 'remove' ? requiredString(values, 'username') : undefined;
    const result = await asAdmin(ctx, requiredString(values, 'admin'), (accounts, admin) => {
      const service = new GroupService(accounts);
      switch (sub) {
        case 'list': {
          const names = new Map(accounts.listUsers(admin).map((u) => [u.id, u.username]));
          return service.list(admin).map((g) => ({
            id: g.id,
            name: g.name,
            createdAt: g.createdAt,
            members: service.memberIds(admin, g.id).map((id) => names.get(id) ?? id),
          }));
        }
        case 'create':
          return service.create(admin, group!).name;
        case 'delete': {
          const g = service.byName(admin, group!);
          service.delete(admin, g.id);
          return g.name;
        }
        case 'add':
        case 'remove': {
          const g = service.byName(admin, group!);
          const user = findUser(accounts, admin, username!);
          const changed = sub === 'add' ? service.addMember(admin, g.id, user.id) : service.removeMember(admin, g.id, user.id);
          return { group: g.name, username: user.username, changed };
        }
      }
    });

    if (sub === 'list') {
      const list = result as { id: string; name: string; createdAt: number; members: string[] }[];
      if (values.json) return printJson(list.map((g) => ({ ...g, createdAt: new Date(g.createdAt).toISOString() })));
      return printTable(
        ['GROUP', 'CREATED', 'MEMBERS'],
        list.map((g) => [g.name, formatTime(g.createdAt), g.members.join(', ') || '-']),
      );
    }
    // A membership or group carries shared-agent grants: a running app stops answers that lost theirs and shows new ones.
    if (sub === 'delete' || ((sub === 'remove' || sub === 'add') && (result as { changed: boolean }).changed)) await tellAppAccessChanged(ctx.dataDir);
    if (sub === 'create') return print(`Created group ${result as string}.`);
    if (sub === 'delete') return print(`Deleted group ${result as string}; its members' accounts are unchanged.`);
    const r = result as { group: string; username: string; changed: boolean };
    if (sub === 'add') print(r.changed ? `Added ${r.username} to ${r.group}.` : `${r.username} was already in ${r.group}.`);
    else print(r.changed ? `Removed ${r.username} from ${r.group}.` : `${r.username} was not in ${r.group}.`);
  },
};
