import type { groupsChannels } from '../../../preload/contract';
import { GroupService } from '../../core/accounts/groups';
import { own, type AreaHandlers, type HandlerContext } from './context';

const groups = (ctx: HandlerContext) => new GroupService(ctx.accounts);

export const groupsHandlers: AreaHandlers<keyof typeof groupsChannels> = {
  'admin.groups.list': (_input, ctx) => groups(ctx).list(own(ctx)),
  'admin.groups.create': ({ name }, ctx) => groups(ctx).create(own(ctx), name),
  'admin.groups.delete': ({ id }, ctx) => {
    groups(ctx).delete(own(ctx), id);
    return {};
  },
  'admin.groups.members': ({ id }, ctx) => groups(ctx).memberIds(own(ctx), id),
  'admin.groups.addMember': ({ id, userId }, ctx) => ({ added: groups(ctx).addMember(own(ctx), id, userId) }),
  'admin.groups.removeMember': ({ id, userId }, ctx) => ({ removed: groups(ctx).removeMember(own(ctx), id, userId) }),
};
