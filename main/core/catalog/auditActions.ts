/** What happened, never content and never secrets. */
export const AUDIT_ACTIONS = [
  'setup',
  'login',
  'login_failed',
  'logout',
  'invite_created',
  'invite_redeemed',
  'invite_failed',
  'password_changed',
  'recovery_used',
  'recovery_key_renewed',
  'user_disabled',
  'user_enabled',
  'user_deleted',
  'role_changed',
  'lockout_cleared',
  'admin_break_glass',
  'group_created',
  'group_deleted',
  'group_member_added',
  'group_member_removed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
