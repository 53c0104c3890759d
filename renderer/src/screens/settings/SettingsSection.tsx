import { AutoLockCard } from './AutoLockCard';
import { ChangePasswordCard } from './ChangePasswordCard';
import { NotesCard } from './NotesCard';
import { RecoveryKeyCard } from './RecoveryKeyCard';
import { AccountActivityCard } from '../sharing/AccountActivityCard';
import { ToolsCard } from '../tools/ToolsCard';

export function SettingsSection() {
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title" className="page-title" tabIndex={-1}>
        Settings
      </h1>
      <p className="page-lead">Your account and preferences. Changes here affect only you.</p>
      <div className="stack">
        <NotesCard />
        <AutoLockCard />
        <ChangePasswordCard />
        <RecoveryKeyCard />
        <AccountActivityCard />
        <ToolsCard />
      </div>
    </section>
  );
}
