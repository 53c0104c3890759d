import { useState } from 'react';
import { AuthCard } from '../components/AuthCard';
import { chooseUser, useAppStore } from '../stores/appStore';
import { InviteForm } from './login/InviteForm';
import { PasswordForm } from './login/PasswordForm';
import { RecoverForm } from './login/RecoverForm';
import { UserPicker } from './login/UserPicker';

type Mode = 'sign-in' | 'recover' | 'invite';

/** Signed-out front door: pick a person, then password; or recovery key; or an invite code. */
export function LoginScreen() {
  const users = useAppStore((s) => s.users);
  const chosen = useAppStore((s) => s.chosenUsername);
  const [mode, setMode] = useState<Mode>('sign-in');
  const user = users.find((u) => u.username === chosen) ?? null;

  if (mode === 'recover') {
    return <RecoverForm initialUsername={user?.username ?? ''} onBack={() => setMode('sign-in')} />;
  }
  if (mode === 'invite') {
    return <InviteForm onBack={() => setMode('sign-in')} />;
  }

  const links = (
    <nav className="auth-links" aria-label="Other ways to sign in">
      <button type="button" className="link" onClick={() => setMode('recover')}>
        Use recovery key
      </button>
      <button type="button" className="link" onClick={() => setMode('invite')}>
        I have an invite code
      </button>
    </nav>
  );

  if (user) {
    return (
      <AuthCard title="Sign in">
        <PasswordForm
          key={user.username}
          user={user}
          onRecover={() => setMode('recover')}
          footer={
            <>
              <button type="button" className="link back-link" onClick={() => chooseUser(null)}>
                ‹ Not {user.displayName}? Choose another account
              </button>
              {links}
            </>
          }
        />
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Who is using Cubby?" subtitle="Choose your account to sign in.">
      <UserPicker users={users} onPick={chooseUser} />
      {links}
    </AuthCard>
  );
}
