/**
 * Shown beside every control a machine policy fixes or limits. Plain text inside the control's
 * hint, so screen readers hear it with the control (the hint is its aria-describedby).
 */
export function SetByOrganization() {
  return <span className="org-set"> (Set by your organization)</span>;
}
