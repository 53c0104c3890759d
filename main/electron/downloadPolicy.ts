import { isAppBlobUrl, isAppUrl } from './appOrigin';

/**
 * Which downloads a window may start, and how the save dialog is offered. The only downloads
 * Cubby makes are text files its own page builds in memory (the recovery key, a conversation
 * exported as Markdown), so only a
 * blob: URL created by cubby://app, started by a cubby://app page, gets through; the person
 * then picks where it goes in the save dialog. Electron-free so it is unit-tested under Node.
 */
export interface DownloadAsk {
  /** item.getURL(): what is being downloaded. */
  url: unknown;
  /** item.getInitiatorOrigin(): who started it ("" if not web content, "null" if opaque). */
  initiatorOrigin: unknown;
}

export function isAllowedDownload(ask: DownloadAsk): boolean {
  return isAppBlobUrl(ask.url) && isAppUrl(ask.initiatorOrigin);
}

const FALLBACK_NAME = 'cubby.txt';
const MAX_NAME = 100;

/** The text types a download may be saved as: anything else becomes .txt. */
const TEXT_TYPES = { txt: 'Text file', md: 'Markdown file' } as const;
type TextType = keyof typeof TEXT_TYPES;

function textTypeOf(name: string): TextType {
  return /\.md$/i.test(name) ? 'md' : 'txt';
}

/**
 * A plain file name for the save dialog from the name the page suggested: letters, digits,
 * dot, dash and underscore only (no path, no hidden file), always ending in .txt or .md since
 * the blob is text.
 */
export function downloadFileName(suggested: unknown): string {
  if (typeof suggested !== 'string') return FALLBACK_NAME;
  const type = textTypeOf(suggested);
  const base = suggested
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.(txt|md)$/i, '')
    .replace(/^[.-]+/, '')
    .slice(0, MAX_NAME - 4)
    .replace(/[.-]+$/, '');
  return base ? `${base}.${type}` : FALLBACK_NAME;
}

export function saveDialogOptions(suggested: unknown): { title: string; defaultPath: string; filters: { name: string; extensions: string[] }[] } {
  const defaultPath = downloadFileName(suggested);
  const type = textTypeOf(defaultPath);
  return {
    title: type === 'md' ? 'Save as Markdown file' : 'Save as text file',
    // A bare name: the dialog opens in the person's Downloads folder with it filled in.
    defaultPath,
    filters: [{ name: TEXT_TYPES[type], extensions: [type] }],
  };
}
