import { useEffect, useState } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { ToolServerView, ToolView } from '../../bridge/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { sameSession } from '../../stores/epoch';

export interface ToolStepValue {
  serverId: string;
  toolName: string;
  argsJson: string;
}

export type Listing<T> = { state: 'loading' } | { state: 'ready'; items: T[] } | { state: 'failed'; error: BridgeCallError };

/**
 * A tool step's server, tool and arguments. The server and tool are picked from the person's own
 * tool servers and that server's tools; typing them by hand is offered only when listing fails
 * (a server that will not start, or a policy that hides tool servers), so a saved step stays editable.
 */
export function ToolStepFields({ idPrefix, index, value, onChange }: Props) {
  const [servers, setServers] = useState<Listing<ToolServerView>>({ state: 'loading' });
  const [tools, setTools] = useState<Listing<ToolView> | null>(null);

  useEffect(() => {
    const current = sameSession();
    api('tools.servers.list', {})
      .then((items) => current() && setServers({ state: 'ready', items }))
      .catch((err) => current() && setServers({ state: 'failed', error: asBridgeError(err) }));
  }, []);

  useEffect(() => {
    if (!value.serverId || servers.state !== 'ready' || !servers.items.some((s) => s.id === value.serverId)) {
      setTools(null);
      return;
    }
    let live = true;
    const current = sameSession();
    setTools({ state: 'loading' });
    api('tools.list', { serverId: value.serverId })
      .then((items) => live && current() && setTools({ state: 'ready', items }))
      .catch((err) => live && current() && setTools({ state: 'failed', error: asBridgeError(err) }));
    return () => {
      live = false;
    };
  }, [value.serverId, servers]);

  return <ToolStepView idPrefix={idPrefix} index={index} value={value} onChange={onChange} servers={servers} tools={tools} />;
}

type Props = { idPrefix: string; index: number; value: ToolStepValue; onChange: (patch: Partial<ToolStepValue>) => void };

/** The fields for what has been listed so far (separate from the loading so each state can be checked). */
export function ToolStepView({ idPrefix, index, value, onChange, servers, tools }: Props & { servers: Listing<ToolServerView>; tools: Listing<ToolView> | null }) {
  const n = index + 1;
  const serverId = `${idPrefix}-server-${index}`;
  const toolId = `${idPrefix}-tool-${index}`;
  const serverName = servers.state === 'ready' ? servers.items.find((s) => s.id === value.serverId)?.name : undefined;

  const serverField =
    servers.state === 'failed' ? (
      <Field label={`Tool server id for step ${n}`} value={value.serverId} onChange={(e) => onChange({ serverId: e.target.value })} maxLength={100} required />
    ) : (
      <div className="field">
        <label htmlFor={serverId}>Tool server for step {n}</label>
        <select
          id={serverId}
          value={value.serverId}
          disabled={servers.state === 'loading'}
          onChange={(e) => onChange({ serverId: e.target.value, toolName: '' })}
          required
        >
          <option value="">{servers.state === 'loading' ? 'Loading your tool servers…' : servers.items.length ? 'Choose a tool server' : 'No tool servers yet (add one in Settings › Tools)'}</option>
          {servers.state === 'ready' && value.serverId && !serverName ? <option value={value.serverId}>A server that no longer exists</option> : null}
          {servers.state === 'ready'
            ? servers.items.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))
            : null}
        </select>
      </div>
    );

  const manualTool = servers.state === 'failed' || tools?.state === 'failed';
  const toolField = manualTool ? (
    <Field label={`Tool for step ${n}`} value={value.toolName} onChange={(e) => onChange({ toolName: e.target.value })} maxLength={200} required />
  ) : (
    <div className="field">
      <label htmlFor={toolId}>Tool for step {n}</label>
      <select id={toolId} value={value.toolName} disabled={tools?.state !== 'ready'} onChange={(e) => onChange({ toolName: e.target.value })} required>
        <option value="">{!tools ? 'Choose a server first' : tools.state === 'loading' ? 'Loading tools…' : 'Choose a tool'}</option>
        {tools?.state === 'ready' && value.toolName && !tools.items.some((t) => t.name === value.toolName) ? <option value={value.toolName}>{value.toolName} (no longer offered)</option> : null}
        {tools?.state === 'ready'
          ? tools.items.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))
          : null}
      </select>
    </div>
  );

  const description = tools?.state === 'ready' ? tools.items.find((t) => t.name === value.toolName)?.description : undefined;
  return (
    <>
      <div className="grid-2">
        {serverField}
        {toolField}
      </div>
      {servers.state === 'failed' ? (
        <>
          <p className="hint">Your tool servers could not be listed; type the server id and tool name.</p>
          <ErrorAlert error={servers.error} />
        </>
      ) : null}
      {tools?.state === 'failed' ? (
        <>
          <p className="hint">The tools of {serverName ?? 'this server'} could not be listed; type the tool name.</p>
          <ErrorAlert error={tools.error} />
        </>
      ) : null}
      <p className="hint" role="status">
        {tools?.state === 'loading' ? `Starting ${serverName ?? 'the server'} to list its tools…` : description ?? ''}
      </p>
      <div className="field">
        <label htmlFor={`${idPrefix}-args-${index}`}>Arguments for step {n} (JSON)</label>
        <textarea id={`${idPrefix}-args-${index}`} rows={3} className="mono" value={value.argsJson} onChange={(e) => onChange({ argsJson: e.target.value })} />
      </div>
    </>
  );
}
