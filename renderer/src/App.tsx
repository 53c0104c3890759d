import { useAppStore } from './stores/appStore';
import { LockScreen } from './screens/LockScreen';
import { LoginScreen } from './screens/LoginScreen';
import { SetupScreen } from './screens/SetupScreen';
import { WorkspaceScreen } from './screens/WorkspaceScreen';
import { AuthCard } from './components/AuthCard';

/** One screen at a time, chosen by main's app.status. */
export function App() {
  const phase = useAppStore((s) => s.phase);
  const error = useAppStore((s) => s.error);
  switch (phase) {
    case 'loading':
      return (
        <main className="auth-page" aria-busy="true">
          <p className="muted">
            <span className="spinner" aria-hidden="true" /> Opening Cubby…
          </p>
        </main>
      );
    case 'setup':
      return <SetupScreen />;
    case 'login':
      return <LoginScreen />;
    case 'locked':
      return <LockScreen />;
    case 'workspace':
      return <WorkspaceScreen />;
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
