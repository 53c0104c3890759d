import type { ReactNode } from 'react';
import { enterWorkspace } from '../stores/appStore';
import { AuthCard } from './AuthCard';
import { RecoveryKeyPanel } from './RecoveryKeyPanel';
import type { NewVault } from './useNewPasswordForm';

/** After setup, invite or recovery: the new recovery key once, then on into the workspace. */
export function NewVaultCard({ title, vault, heading, children }: { title: string; vault: NewVault; heading?: string; children?: ReactNode }) {
  return (
    <AuthCard title={title} wide>
      {children}
      <RecoveryKeyPanel
        recoveryKey={vault.recoveryKey}
        username={vault.session.username}
        continueLabel="Continue to Cubby"
        heading={heading}
        onContinue={() => enterWorkspace(vault.session)}
      />
    </AuthCard>
  );
}
