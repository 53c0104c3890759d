import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { Message } from '../../bridge/types';
import { loadOlderMessages, useChatStore } from '../../stores/chatStore';
import { MessageItem, type MessageActions } from './MessageItem';

/** Within this many pixels of the end counts as "at the bottom": the list then follows the answer. */
const PIN_SLACK = 48;

/**
 * The open conversation's messages in a virtualized list. Scrolling to the top loads the page
 * before; while at the bottom the list stays there as an answer grows, and stays put once the
 * person scrolls up. A search result is scrolled to (loading older pages until it is there).
 */
export function MessageList({ agentName, actionsFor }: { agentName: string; actionsFor: (m: Message, i: number) => MessageActions }) {
  const messages = useChatStore((s) => s.messages);
  const hasMore = useChatStore((s) => s.hasMore);
  const loading = useChatStore((s) => s.loadingMessages);
  const focusId = useChatStore((s) => s.focusMessageId);
  const runErrors = useChatStore((s) => s.runErrors);
  const scrollRef = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const prepend = useRef<{ firstId: number; height: number; top: number } | null>(null);

  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 140,
    overscan: 6,
    getItemKey: (i) => messages[i]?.id ?? i,
  });

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < PIN_SLACK;
    if (el.scrollTop < 80 && hasMore && !loading && messages[0]) {
      prepend.current = { firstId: messages[0].id, height: el.scrollHeight, top: el.scrollTop };
      void loadOlderMessages().catch(() => undefined);
    }
  };

  // Scrolling up by wheel or keys lets go of the end at once, before a delta could pull the list back down.
  const letGo = () => {
    pinned.current = false;
  };

  // Older messages arrived above: keep what the person was reading where it was.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const before = prepend.current;
    if (!el || !before || messages[0]?.id === before.firstId) return;
    prepend.current = null;
    el.scrollTop = before.top + (virtualizer.getTotalSize() - before.height);
  }, [messages, virtualizer]);

  // Follow the end while pinned (new messages, a growing answer).
  const last = messages.at(-1);
  const followKey = `${messages.length}:${last?.id}:${last?.content.length}:${last?.status}`;
  useEffect(() => {
    if (focusId !== null || !pinned.current || messages.length === 0) return;
    virtualizer.scrollToIndex(messages.length - 1, { align: 'end' });
  }, [followKey, focusId, virtualizer, messages.length]);

  // A search result: make sure its page is loaded, then show and focus it.
  useEffect(() => {
    if (focusId === null || loading) return;
    const index = messages.findIndex((m) => m.id === focusId);
    if (index < 0) {
      if (hasMore) void loadOlderMessages().catch(() => undefined);
      return;
    }
    pinned.current = false;
    virtualizer.scrollToIndex(index, { align: 'center' });
    const t = setTimeout(() => scrollRef.current?.querySelector<HTMLElement>(`[data-message-id="${focusId}"]`)?.focus(), 50);
    return () => clearTimeout(t);
  }, [focusId, messages, hasMore, loading, virtualizer]);

  return (
    <div className="chat-scroll" ref={scrollRef} onScroll={onScroll}
      onWheel={(e) => e.deltaY < 0 && letGo()}
      onKeyDown={(e) => ['ArrowUp', 'PageUp', 'Home'].includes(e.key) && letGo()}
      tabIndex={0} role="region" aria-label="Messages" data-testid="chat-messages">
      {hasMore ? (
        <p className="chat-older muted" role="status">
          {loading ? 'Loading earlier messages…' : 'Scroll up for earlier messages'}
        </p>
      ) : null}
      <div className="chat-virtual" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((row) => {
          const m = messages[row.index];
          if (!m) return null;
          return (
            <div key={row.key} data-index={row.index} ref={virtualizer.measureElement} className="chat-row" style={{ transform: `translateY(${row.start}px)` }}>
              <MessageItem message={m} agentName={agentName} runError={runErrors[m.id]} actions={actionsFor(m, row.index)} highlighted={m.id === focusId} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
