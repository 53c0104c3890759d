import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { LazyModelMarkdown } from '../../../renderer/src/components/markdown';
import '../../../renderer/src/styles/base.css';
import '../../../renderer/src/styles/components.css';
import { HOSTILE_CORPUS } from './corpus';

/**
 * Test-only page (never in dist/renderer): mounts the real lazily loaded Markdown renderer on the
 * hostile corpus, replaying each entry as a stream (growing prefixes, streaming=true) and then
 * as the finished answer, and showing each cut at fixed points as a stream that stalled there. ?mode=control instead puts the corpus into the page as raw HTML, to
 * show that the spec's detectors do fire when markup is not made safe.
 */
interface Probe {
  violations: string[];
  opened: string[];
  copied: string[];
  done: number;
}
declare global {
  interface Window {
    __probe: Probe;
    __cubbyPwned?: unknown;
  }
}

const probe: Probe = { violations: [], opened: [], copied: [], done: 0 };
window.__probe = probe;
document.addEventListener('securitypolicyviolation', (e) => {
  probe.violations.push(`${e.effectiveDirective} ${e.blockedURI}`);
});

/** Cut points for the replay: every few characters, plus every character near the ends. */
function cuts(text: string): number[] {
  const step = Math.max(1, Math.ceil(text.length / 40));
  const points = new Set<number>();
  for (let i = 1; i < text.length; i += step) points.add(i);
  for (let i = 1; i < Math.min(text.length, 12); i++) points.add(i).add(text.length - i);
  return [...points].filter((n) => n > 0 && n < text.length).sort((a, b) => a - b);
}

function Replayed(props: { text: string; index: number }) {
  const [shown, setShown] = useState({ text: '', streaming: true });
  useEffect(() => {
    let cancelled = false;
    const points = cuts(props.text);
    const step = (i: number) => {
      if (cancelled) return;
      if (i >= points.length) {
        setShown({ text: props.text, streaming: false });
        probe.done++;
        return;
      }
      setShown({ text: props.text.slice(0, points[i]), streaming: true });
      setTimeout(() => step(i + 1), 0);
    };
    step(0);
    return () => {
      cancelled = true;
    };
  }, [props.text]);
  return (
    <section className="fixture-entry" data-entry={props.index} data-streaming={shown.streaming}>
      <LazyModelMarkdown
        text={shown.text}
        streaming={shown.streaming}
        onOpenLink={(url) => probe.opened.push(url)}
        onCopyCode={(code) => probe.copied.push(code)}
      />
    </section>
  );
}

const root = document.getElementById('root')!;
if (new URLSearchParams(location.search).get('mode') === 'control') {
  const raw = document.createElement('div');
  raw.id = 'corpus';
  // A few of the corpus's payloads as the raw HTML they are: each must trip a detector.
  raw.innerHTML = [
    '<img src="https://attacker.invalid/control.png" alt="">',
    '<img src="/pwned/control.png" onerror="window.__cubbyPwned=1" alt="">',
    '<span style="color:red">styled</span>',
  ].join('');
  root.append(raw);
  probe.done = -1;
} else {
  createRoot(root).render(
    <div id="corpus">
      <h1>Model output</h1>
      {HOSTILE_CORPUS.map((text, i) => (
        <Replayed key={i} text={text} index={i} />
      ))}
      {/* Each entry also cut at fixed points and left there, as a stream that stalled. */}
      {HOSTILE_CORPUS.flatMap((text, i) =>
        [0.33, 0.5, 0.66, 0.9, 1].map((at) => (
          <section key={`${i}-${at}`} className="fixture-entry" data-cut={at}>
            <LazyModelMarkdown
              text={text.slice(0, Math.max(1, Math.floor(text.length * at) - (at === 1 ? 1 : 0)))}
              streaming
              onOpenLink={(url) => probe.opened.push(url)}
              onCopyCode={(code) => probe.copied.push(code)}
            />
          </section>
        )),
      )}
    </div>,
  );
}
