/** Initials in a circle; the colour is derived from the username so people are easy to tell apart. */
export function initials(displayName: string): string {
  const parts = displayName.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]![0], parts.at(-1)![0]] : [displayName.trim().slice(0, 2)];
  return letters.join('').toUpperCase();
}

function hue(username: string): number {
  let h = 0;
  for (const ch of username) h = (h * 31 + ch.codePointAt(0)!) % 360;
  return h;
}

const HUES = 8;

export function Avatar({ displayName, username, size = 'md' }: { displayName: string; username: string; size?: 'sm' | 'md' | 'lg' }) {
  // A class per hue bucket: the CSP forbids style attributes in HTML, so colours live in the stylesheet.
  const bucket = Math.floor(hue(username) / (360 / HUES));
  return (
    <span className={`avatar avatar-${size} avatar-hue-${bucket}`} aria-hidden="true">
      {initials(displayName)}
    </span>
  );
}
