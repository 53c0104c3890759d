import { lazy, Suspense } from 'react';
import { useAppStore } from './stores/appStore';
import { LockScreen } from './screens/LockScreen';
import { LoginScreen } from './screens/LoginScreen';
import { SetupScreen } from './screens/SetupScreen';
import { AuthCard } from './components/AuthCard';

// The workspace (sidebar, settings, administration and every section) loads after sign-in: the
// login screen's bundle stays small.
const WorkspaceScreen = lazy(() => import('./screens/WorkspaceScreen').then((m) => ({ default: m.WorkspaceScreen })));

function Opening() {
  return (
    <main className="auth-page" aria-busy="true">
      <p className="muted">
        <span className="spinner" aria-hidden="true" /> Opening Cubby…
      </p>
    </main>
  );
}

/** One screen at a time, chosen by main's app.status. */
export function App() {
  const phase = useAppStore((s) => s.phase);
  const error = useAppStore((s) => s.error);
  switch (phase) {
    case 'loading':
      return <Opening />;
    case 'setup':
      return <SetupScreen />;
    case 'login':
      return <LoginScreen />;
    case 'locked':
      return <LockScreen />;
    case 'workspace':
      return (
        <Suspense fallback={<Opening />}>
          <WorkspaceScreen />
        </Suspense>
      );
    case 'disconnected':
      return (
        <AuthCard title="Cubby is not connected">
          <div className="alert alert-error" role="alert">
            <p>{error ?? 'The connection to Cubby was lost.'}</p>
          </div>
        </AuthCard>
      );
  }
}
