import { useEffect, useRef, type ReactNode } from 'react';

/**
 * The centred card every signed-out screen uses. When a screen appears (or the card's title
 * changes) and nothing in it took focus, its heading gets focus: a screen reader announces the new
 * screen, and Tab starts from its top instead of wherever the last screen's focus was lost.
 */
export function AuthCard({ title, subtitle, children, wide }: { title: string; subtitle?: ReactNode; children: ReactNode; wide?: boolean }) {
  const cardRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (!cardRef.current?.contains(document.activeElement)) headingRef.current?.focus();
  }, [title]);

  return (
    <main className="auth-page">
      <div ref={cardRef} className={wide ? 'auth-card auth-card-wide' : 'auth-card'}>
        <div className="brand" aria-hidden="true">
          <span className="brand-mark">C</span>
          <span className="brand-name">Cubby</span>
        </div>
        <h1 ref={headingRef} tabIndex={-1}>
          {title}
        </h1>
        {subtitle ? <p className="subtitle">{subtitle}</p> : null}
        {children}
      </div>
    </main>
  );
}
