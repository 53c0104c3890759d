import type { SessionInfo } from '../../bridge/types';

/** The user's own space; agents and conversations arrive in a later issue. */
export function HomeSection({ session }: { session: SessionInfo }) {
  const firstName = session.displayName.split(/\s+/)[0];
  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title" className="page-title" tabIndex={-1}>
        Welcome, {firstName}
      </h1>
      <p className="page-lead">This workspace is encrypted and only you can open it.</p>
      <div className="grid-2">
        <section className="card" aria-labelledby="agents-title">
          <h2 id="agents-title">Agents</h2>
          <div className="placeholder">
            <p className="placeholder-title">No agents yet</p>
            <p>Agents you create, and shared agents your administrator grants you, will appear here.</p>
          </div>
        </section>
        <section className="card" aria-labelledby="conversations-title">
          <h2 id="conversations-title">Conversations</h2>
          <div className="placeholder">
            <p className="placeholder-title">No conversations yet</p>
            <p>Your conversations with agents will be listed here. Nobody else at this computer can read them.</p>
          </div>
        </section>
      </div>
    </section>
  );
}
