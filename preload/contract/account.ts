/** The signed-in person's own account: password, recovery key, secrets they copy, activity. */
import { z } from 'zod';
import { channel, Empty, Password } from './shared';

export const accountChannels = {
  /** The person is using this window (keys, pointer) without calling anything: resets its idle lock. */
  'session.activity': channel(Empty, Empty, 'session'),
  'account.changePassword': channel(z.strictObject({ currentPassword: Password, newPassword: Password }), Empty, 'session'),
  'account.renewRecoveryKey': channel(z.strictObject({ password: Password }), z.object({ recoveryKey: z.string() }), 'session'),
  /** Copy a secret this window was shown (recovery key, invite code); main clears it again. */
  'clipboard.copySecret': channel(z.strictObject({ text: z.string().min(1).max(256) }), Empty, 'session'),
  /** Copy the person's own content (an answer, a code block); main takes it back when they lock. */
  'clipboard.copyText': channel(z.strictObject({ text: z.string().min(1).max(200_000) }), Empty, 'session'),
  /** Open an http(s) link from an answer in the system browser, after the person clicked it. */
  'app.openLink': channel(z.strictObject({ url: z.string().min(1).max(4096) }), Empty, 'session'),
} as const;
