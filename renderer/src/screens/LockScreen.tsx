import { useState } from 'react';
import { AuthCard } from '../components/AuthCard';
import { chooseUser, useAppStore } from '../stores/appStore';
import { PasswordForm } from './login/PasswordForm';
import { RecoverForm } from './login/RecoverForm';

/** After a lock or auto-lock: who was here, their password; or hand the window to someone else. */
export function LockScreen() {
  const lockedUser = useAppStore((s) => s.lockedUser);
  const [recovering, setRecovering] = useState(false);
  if (!lockedUser) return null;

  const switchUser = () => {
    chooseUser(null);
    useAppStore.setState({ phase: 'login', lockedUser: null });
  };

  if (recovering) {
    return <RecoverForm initialUsername={lockedUser.username} onBack={() => setRecovering(false)} />;
  }

  return (
    <AuthCard title="Cubby is locked" subtitle="Your workspace is closed and encrypted. Enter your password to open it again.">
      <PasswordForm
        user={lockedUser}
        submitLabel="Unlock"
        onRecover={() => setRecovering(true)}
        footer={
          <nav className="auth-links" aria-label="Other options">
            <button type="button" className="link" onClick={switchUser}>
              Switch user
            </button>
            <button type="button" className="link" onClick={() => setRecovering(true)}>
              Use recovery key
            </button>
          </nav>
        }
      />
    </AuthCard>
  );
}
