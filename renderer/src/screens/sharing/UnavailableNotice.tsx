/**
 * Shown above a disabled message box when a conversation's shared agent was deleted or this
 * person's access was taken away: what was said stays readable here, nothing more can be sent.
 */
export function UnavailableNotice({ agentName, id }: { agentName: string; id: string }) {
  return (
    <div className="alert alert-warn shared-gone" role="status" id={id} data-testid="shared-agent-gone">
      <p>
        <strong>{agentName} is no longer available.</strong> It was removed or your access to it ended. This conversation stays
        here to read, but it cannot continue.
      </p>
    </div>
  );
}
