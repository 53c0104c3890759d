import { useEffect, useState } from 'react';
import { asBridgeError } from '../../bridge';
import { startNewChat } from '../../stores/chatStore';
import { showSection } from '../../stores/sessionStore';
import { chooseSharedAgent, loadShared, useSharingStore } from '../../stores/sharingStore';
import { atLeast } from '../../../../main/core/sharing/levels';
import { LEVEL_LABELS } from './levelLabels';

/**
 * "Shared with me" in the sidebar: each shared agent this person may see, with their level. One
 * they may use starts a new chat with it; one they may only view opens the shared agents page.
 */
export function SharedNav() {
  const shared = useSharingStore((s) => s.shared);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    if (shared === null) loadShared().catch((e) => setLoadError(asBridgeError(e).message));
  }, [shared]);

  if (!loadError && (!shared || shared.length === 0)) return null;
  return (
    <>
      <h2 className="nav-heading" id="shared-nav">
        Shared with me
      </h2>
      {loadError ? <p className="nav-note">{loadError}</p> : null}
      <ul aria-labelledby="shared-nav" className="nav-shared">
        {(shared ?? []).map((a) => {
          const usable = atLeast(a.level, 'use');
          return (
            <li key={a.id}>
              <button
                type="button"
                className="nav-item"
                data-shared-agent={a.id}
                aria-label={usable ? `Chat with ${a.name} (shared, ${LEVEL_LABELS[a.level].toLowerCase()})` : `${a.name} (shared, ${LEVEL_LABELS[a.level].toLowerCase()})`}
                onClick={() => {
                  if (!usable) return showSection('shared');
                  startNewChat();
                  chooseSharedAgent(a.id);
                  showSection('chat');
                }}
              >
                <span className="nav-item-text">{a.name}</span>
                <span className="badge badge-muted nav-level" aria-hidden="true">
                  {LEVEL_LABELS[a.level]}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </>
  );
}
