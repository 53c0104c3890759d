import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { loadMoreConversations, openConversation, useChatStore } from '../../stores/chatStore';
import { showSection } from '../../stores/sessionStore';

/** Load the next page when the last rows drawn are this close to the end of what is loaded. */
const LOAD_AHEAD = 20;
const ROW_ESTIMATE = 38;

/**
 * The sidebar's conversations: pinned first, then newest; only the rows in view are drawn, and the
 * next page loads as the person scrolls down. One Tab stop: Arrow keys, Page Up/Down, Home and End
 * move through every loaded conversation (scrolling it into view), Enter opens one.
 */
export function ConversationList({ labelledBy, chatOpen }: { labelledBy: string; chatOpen: boolean }) {
  const conversations = useChatStore((s) => s.conversations) ?? [];
  const more = useChatStore((s) => s.conversationsAfter !== null);
  const loadingMore = useChatStore((s) => s.loadingMoreConversations);
  const openId = useChatStore((s) => s.openId);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [focusIndex, setFocusIndex] = useState(0);
  const pendingFocus = useRef<number | null>(null);

  const virtualizer = useVirtualizer({
    count: conversations.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE,
    overscan: 8,
    getItemKey: (i) => conversations[i]?.id ?? i,
  });
  const rows = virtualizer.getVirtualItems();
  const lastDrawn = rows.at(-1)?.index ?? -1;

  useEffect(() => {
    if (more && !loadingMore && lastDrawn >= conversations.length - LOAD_AHEAD) void loadMoreConversations().catch(() => undefined);
  }, [more, loadingMore, lastDrawn, conversations.length]);

  // The Tab stop follows the open conversation, and stays inside the list when it shrinks.
  const openIndex = conversations.findIndex((c) => c.id === openId);
  const tabIndexAt = Math.min(focusIndex, Math.max(conversations.length - 1, 0));
  useEffect(() => {
    if (openIndex >= 0) setFocusIndex(openIndex);
  }, [openIndex]);

  // A row moved to by key may not be drawn yet: focus it once it is.
  useEffect(() => {
    const index = pendingFocus.current;
    if (index === null) return;
    const button = scrollRef.current?.querySelector<HTMLButtonElement>(`li[data-index="${index}"] button`);
    if (button) {
      pendingFocus.current = null;
      button.focus();
    }
  });

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(conversations.length - 1, index));
    setFocusIndex(next);
    pendingFocus.current = next;
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_ESTIMATE * 10) / ROW_ESTIMATE) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (e.key in moves) moveTo(tabIndexAt + moves[e.key]!);
    else if (e.key === 'Home') moveTo(0);
    else if (e.key === 'End') moveTo(conversations.length - 1);
    else return;
    e.preventDefault();
  };

  return (
    <div className="nav-conversations" ref={scrollRef}>
      <ul aria-labelledby={labelledBy} className="nav-conversations-list" style={{ height: virtualizer.getTotalSize() }} onKeyDown={onKeyDown}>
        {rows.map((row) => {
          const c = conversations[row.index];
          if (!c) return null;
          const active = chatOpen && openId === c.id;
          return (
            <li
              key={row.key}
              data-index={row.index}
              ref={virtualizer.measureElement}
              aria-setsize={more ? -1 : conversations.length}
              aria-posinset={row.index + 1}
              style={{ transform: `translateY(${row.start}px)` }}
            >
              <button
                type="button"
                className={active ? 'nav-item nav-item-active' : 'nav-item'}
                aria-current={active ? 'page' : undefined}
                tabIndex={row.index === tabIndexAt ? 0 : -1}
                onFocus={() => setFocusIndex(row.index)}
                onClick={() => {
                  void openConversation(c.id).catch(() => undefined);
                  showSection('chat');
                }}
              >
                {c.pinned ? (
                  <span className="nav-pin" aria-label="Pinned" role="img">
                    ★
                  </span>
                ) : null}
                <span className="nav-item-text">{c.title || 'Untitled'}</span>
              </button>
            </li>
          );
        })}
      </ul>
      {loadingMore ? (
        <p className="nav-note" role="status">
          Loading more conversations…
        </p>
      ) : null}
    </div>
  );
}
