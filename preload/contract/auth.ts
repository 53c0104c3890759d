/** Opening a session (setup, sign-in, invite, recovery) and ending it (lock, sign-out). */
import { z } from 'zod';
import { channel, DisplayName, Empty, Password, SessionInfo, Username } from './shared';

/** A vault was just created or re-keyed: the session, and the recovery key shown once. */
const NewVault = z.object({ session: SessionInfo, recoveryKey: z.string() });

export const authChannels = {
  'auth.setup': channel(z.strictObject({ username: Username, displayName: DisplayName, password: Password }), NewVault, 'public'),
  'auth.login': channel(z.strictObject({ username: Username, password: Password }), SessionInfo, 'public'),
  'auth.redeemInvite': channel(
    z.strictObject({ username: Username, code: z.string().regex(/^\s*\d{4}[\s-]?\d{4}\s*$/), password: Password }),
    NewVault,
    'public',
  ),
  'auth.recover': channel(
    z.strictObject({ username: Username, recoveryKey: z.string().min(1).max(128), newPassword: Password }),
    NewVault,
    'public',
  ),

  // The signed-in user.
  'auth.lock': channel(Empty, Empty, 'session'),
  'auth.signOut': channel(Empty, Empty, 'session'),
} as const;
