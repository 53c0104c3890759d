import { dynamicTool, jsonSchema, type ToolSet } from 'ai';
import type { Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import type { Session } from '../accounts/session';
import { CubbyError, isCubbyError, notFound } from '../errors';
import { getToolServer, listApprovals, listToolServers, storeApproval } from '../vault/toolServers';
import { askApproval, definitionHash, preview } from './approvals';
import { toolHostOf } from './host';

/**
 * What chat and workflows use: the tools of the caller's own servers. Everything is read from
 * the session it is given, so a person (also one using a shared agent) only ever reaches their
 * own servers, secrets and approvals.
 */
export interface ToolInfo {
  serverId: string;
  serverName: string;
  name: string;
  description: string;
  inputSchema: unknown;
  definitionHash: string;
  /** An "always" approval exists for exactly this definition. */
  approved: boolean;
  /** An "always" approval exists, but for another definition: the next use asks again. */
  changedSinceApproval: boolean;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** 'ask': prompt the person when not approved; 'require-stored': refuse (background runs cannot ask). */
  /**
   * 'ask': a stored "always" approval is enough, else the person is asked. 'require-stored':
   * nobody can be asked (scheduled, background). 'ask-every-time': for shared agents, whose
   * instructions the person may not see: stored approvals do not count, each call is asked, and
   * "always" is taken as "once".
   */
  approval: 'ask' | 'require-stored' | 'ask-every-time';
  approvalTimeoutMs?: number;
}

export interface ToolCaller {
  /** `signal` stops a server that hangs while starting or listing (a run's cancel, lock or time limit). */
  list(signal?: AbortSignal): Promise<ToolInfo[]>;
  call(serverId: string, toolName: string, args: unknown, opts: CallOptions): Promise<{ content: unknown; isError: boolean }>;
}

function infos(session: Session, serverId: string, serverName: string, tools: McpTool[]): ToolInfo[] {
  const stored = new Map(listApprovals(session, serverId).map((a) => [a.toolName, a.definitionHash]));
  return tools.map((t) => {
    const hash = definitionHash(t);
    const approvedHash = stored.get(t.name);
    return {
      serverId,
      serverName,
      name: t.name,
      description: t.description ?? '',
      inputSchema: t.inputSchema,
      definitionHash: hash,
      approved: approvedHash === hash,
      changedSinceApproval: approvedHash !== undefined && approvedHash !== hash,
    };
  });
}

/** The tools of one server, listed now (which starts it if needed). */
export async function listServerTools(session: Session, serverId: string, signal?: AbortSignal): Promise<ToolInfo[]> {
  const server = getToolServer(session, serverId);
  return infos(session, serverId, server.name, await toolHostOf(session).listTools(serverId, signal));
}

const notApproved = (toolName: string) => new CubbyError('TOOL_NOT_APPROVED', `The tool “${toolName}” was not approved, so it was not used.`);

export function toolCaller(session: Session): ToolCaller {
  return {
    async list(signal?: AbortSignal) {
      const out: ToolInfo[] = [];
      for (const s of listToolServers(session).filter((x) => x.enabled)) {
        try {
          out.push(...(await listServerTools(session, s.id, signal)));
        } catch (e) {
          if (isCubbyError(e, 'LOCKED')) throw e; // a server that fails is left out; its status says why
        }
      }
      return out;
    },
    async call(serverId, toolName, args, opts) {
      // The definition is read again for every call: what is approved is what runs now.
      const tools = await listServerTools(session, serverId, opts.signal);
      const info = tools.find((t) => t.name === toolName);
      if (!info) throw notFound('tool');
      if (!info.approved || opts.approval === 'ask-every-time') {
        if (opts.approval === 'require-stored') throw notApproved(toolName);
        const decision = await askApproval(
          session,
          {
            serverId,
            serverName: info.serverName,
            toolName,
            description: preview(info.description, 1000),
            argumentsPreview: preview(args),
            changed: info.changedSinceApproval,
          },
          { timeoutMs: opts.approvalTimeoutMs, signal: opts.signal },
        );
        if (decision === 'deny' || !session.isOpen) throw notApproved(toolName);
        if (decision === 'always' && opts.approval === 'ask') storeApproval(session, serverId, toolName, info.definitionHash);
      }
      return toolHostOf(session).callTool(serverId, toolName, args, { signal: opts.signal, timeoutMs: opts.timeoutMs });
    },
  };
}

/** One tool call as chat shows it and saves it with the answer. */
export interface ToolCallRecord {
  serverName: string;
  toolName: string;
  arguments: string;
  status: 'ok' | 'error' | 'denied' | 'timeout';
  result: string;
}

export interface ToolSetOptions extends Partial<CallOptions> {
  onCall?: (record: ToolCallRecord) => void;
}

/** What the model sees as a tool's name: [a-zA-Z0-9_-], at most 64, unique in the set. */
function modelName(server: string, tool: string, taken: Set<string>): string {
  const clean = (s: string, n: number) => s.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, n) || 'tool';
  const base = `${clean(server, 20)}__${clean(tool, 38)}`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

export const RESULT_MAX_CHARS = 50_000;

/**
 * AI SDK tools for the caller's own enabled servers (a server that fails to start is left out).
 * A tool not approved, stopped by its time limit or failing answers the model with a short
 * message instead of ending the run.
 */
export async function toolSetFor(session: Session, opts: ToolSetOptions = {}): Promise<ToolSet> {
  const caller = toolCaller(session);
  const taken = new Set<string>(['remember']);
  const set: ToolSet = {};
  for (const t of await caller.list(opts.signal)) {
    set[modelName(t.serverName, t.name, taken)] = dynamicTool({
      description: t.description.slice(0, 4000) || t.name,
      inputSchema: jsonSchema((t.inputSchema ?? { type: 'object' }) as Parameters<typeof jsonSchema>[0]),
      execute: async (args, { abortSignal }) => {
        const record: ToolCallRecord = { serverName: t.serverName, toolName: t.name, arguments: preview(args), status: 'ok', result: '' };
        const signal = abortSignal && opts.signal ? AbortSignal.any([abortSignal, opts.signal]) : (abortSignal ?? opts.signal);
        try {
          const r = await caller.call(t.serverId, t.name, args, { approval: opts.approval ?? 'ask', timeoutMs: opts.timeoutMs, approvalTimeoutMs: opts.approvalTimeoutMs, signal });
          record.status = r.isError ? 'error' : 'ok';
          record.result = preview(r.content, RESULT_MAX_CHARS);
          if (r.isError) return { error: record.result };
          // A very large result reaches the model cut to the same length as what is saved.
          return preview(r.content, RESULT_MAX_CHARS + 1).length > RESULT_MAX_CHARS ? record.result : r.content;
        } catch (e) {
          if (signal?.aborted) throw e;
          const code = isCubbyError(e) ? e.code : 'INTERNAL';
          record.status = code === 'TOOL_NOT_APPROVED' ? 'denied' : code === 'TOOL_TIMEOUT' ? 'timeout' : 'error';
          record.result = isCubbyError(e) ? e.message : 'The tool failed.';
          return { error: record.result };
        } finally {
          opts.onCall?.(record);
        }
      },
    });
  }
  return set;
}

export { decideApproval, setApprovalPrompter, hasApprovalPrompter, definitionHash, type ApprovalDecision, type ApprovalPrompt } from './approvals';
export { toolHostOf, type ServerStatus } from './host';
