/** Before sign-in: what the start screen needs to know about this machine. */
import { z } from 'zod';
import { channel, Empty, LoginUser, SessionInfo } from './shared';

/** One machine-policy value and whether the organization set it (the UI then says so beside the control). */
const PolicyValue = <T extends z.ZodType>(value: T) => z.object({ value, setByOrganization: z.boolean() });
export const PolicyView = z.object({
  minPasswordLength: PolicyValue(z.number().int()),
  maxIdleMinutes: PolicyValue(z.number().int()),
  allowedProviderKinds: PolicyValue(z.array(z.string())),
  allowedProviderBaseUrls: PolicyValue(z.array(z.string()).nullable()),
  allowOwnProviders: PolicyValue(z.boolean()),
  allowOwnToolServers: PolicyValue(z.boolean()),
  allowWorkflowsWhileLocked: PolicyValue(z.boolean()),
  allowSync: PolicyValue(z.boolean()),
  updateMode: PolicyValue(z.string()),
});
export type PolicyView = z.infer<typeof PolicyView>;

export const appChannels = {
  'app.status': channel(
    Empty,
    z.object({
      setUp: z.boolean(),
      users: z.array(LoginUser),
      session: SessionInfo.nullable(),
      /** Who was signed in to this window before it locked, for the lock screen. */
      lockedUser: LoginUser.nullable(),
    }),
    'public',
  ),
  /** The machine policy as far as the UI needs it (before sign-in too: password rules). */
  'policy.get': channel(Empty, PolicyView, 'public'),
} as const;
