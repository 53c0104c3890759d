/**
 * Which destinations in model output may be offered to the person at all. Main opens http and
 * https only, after a click, so only absolute http(s) URLs become clickable; everything else
 * (javascript:, data:, vbscript:, file:, mailto:, relative paths, fragments) renders as text.
 * URLs with a user name or password are refused too: "https://bank.example@evil.example" reads as
 * one host and goes to another.
 */
const OPENABLE_PROTOCOLS = new Set(['http:', 'https:']);

/** The normalized URL when it may be offered to the person, otherwise null. */
export function openableUrl(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const trimmed = raw.trim();
  // Control characters are how "java\tscript:" slips past naive checks; nothing honest has them.
  // eslint-disable-next-line no-control-regex
  if (trimmed === '' || /[\u0000-\u001f\u007f]/.test(trimmed)) return null;
  // Only absolute URLs: without a scheme of its own a URL would resolve against the app's page.
  if (!/^https?:\/\//i.test(trimmed)) return null;
  const url = URL.parse(trimmed);
  if (url === null || !OPENABLE_PROTOCOLS.has(url.protocol) || url.hostname === '') return null;
  if (url.username !== '' || url.password !== '') return null;
  return url.href;
}
