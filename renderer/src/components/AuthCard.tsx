import type { ReactNode } from 'react';

/** The centred card every signed-out screen uses. */
export function AuthCard({ title, subtitle, children, wide }: { title: string; subtitle?: ReactNode; children: ReactNode; wide?: boolean }) {
  return (
    <main className="auth-page">
      <div className={wide ? 'auth-card auth-card-wide' : 'auth-card'}>
        <div className="brand" aria-hidden="true">
          <span className="brand-mark">C</span>
          <span className="brand-name">Cubby</span>
        </div>
        <h1>{title}</h1>
        {subtitle ? <p className="subtitle">{subtitle}</p> : null}
        {children}
      </div>
    </main>
  );
}
