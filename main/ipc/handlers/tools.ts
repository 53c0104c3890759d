import type { toolsChannels, ToolServerView } from '../../../preload/contract';
import { dataRootOf, type Session } from '../../core/accounts/session';
import { removeToolHome } from '../../core/tools/env';
import { decideApproval, listServerTools, setApprovalPrompter, toolHostOf } from '../../core/tools';
import {
  createToolServer,
  deleteToolServer,
  listToolServers,
  revokeApproval,
  updateToolServer,
  type ToolServer,
} from '../../core/vault/toolServers';
import { own, type AreaHandlers, type HandlerContext } from './context';

/**
 * The person's own tool servers (allowOwnToolServers: checked by the router, from the
 * contract's `requires`). A server whose settings change or that is deleted stops now; the
 * next use starts it with the new settings.
 */
const view = (session: Session, s: ToolServer): ToolServerView => ({ ...s, ...toolHostOf(session).status(s.id) });

/** Approval prompts of this session go to its windows only (chat and tools handlers call this). */
export function promptApprovalsInWindows(ctx: HandlerContext, session: Session): void {
  setApprovalPrompter(session, (p) => ctx.emit(session, 'tools.approvalNeeded', p));
}

export const toolsHandlers: AreaHandlers<keyof typeof toolsChannels> = {
  'tools.servers.list': (_input, ctx) => {
    const session = own(ctx);
    promptApprovalsInWindows(ctx, session);
    return listToolServers(session).map((s) => view(session, s));
  },
  'tools.servers.create': (input, ctx) => {
    const session = own(ctx);
    return view(session, createToolServer(session, input));
  },
  'tools.servers.update': async (input, ctx) => {
    const session = own(ctx);
    const { id, ...fields } = input;
    const updated = updateToolServer(session, id, fields);
    await toolHostOf(session).stop(id);
    return view(session, updated);
  },
  'tools.servers.delete': async (input, ctx) => {
    const session = own(ctx);
    deleteToolServer(session, input.id);
    await toolHostOf(session).stop(input.id);
    removeToolHome(dataRootOf(session), session.user.id, input.id); // what the server wrote goes with it
    return {};
  },
  'tools.list': async (input, ctx) => {
    const session = own(ctx);
    // Asked for by the person: a server that failed is tried again now, not after its back-off.
    if (toolHostOf(session).status(input.serverId).state === 'failed') await toolHostOf(session).stop(input.serverId);
    const tools = await listServerTools(session, input.serverId);
    return tools.map((t) => ({ name: t.name, description: t.description, approved: t.approved, changedSinceApproval: t.changedSinceApproval }));
  },
  'tools.approvals.revoke': (input, ctx) => {
    revokeApproval(own(ctx), input.serverId, input.toolName);
    return {};
  },
  'tools.approve': (input, ctx) => ({ pending: decideApproval(own(ctx), input.requestId, input.decision) }),
};
