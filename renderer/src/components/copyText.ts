import { api, asBridgeError } from '../bridge';

/**
 * Copy a secret (recovery key, invite code). Main copies it and clears it again after a minute
 * or when this session locks; only the browser host, which has no OS clipboard of its own,
 * leaves it to the browser. False if the copy failed.
 */
export function copySecret(text: string): Promise<boolean> {
  return copyThroughMain('clipboard.copySecret', text);
}

/**
 * Main copies (and later takes back) where it has the OS clipboard; the browser host has none of
 * its own (NOT_SUPPORTED) and leaves it to the browser. False if the copy failed.
 */
export async function copyThroughMain(channel: 'clipboard.copySecret' | 'clipboard.copyText', text: string): Promise<boolean> {
  try {
    await api(channel, { text });
    return true;
  } catch (e) {
    if (asBridgeError(e).code !== 'NOT_SUPPORTED') return false;
  }
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** Offer text as a download without writing it anywhere else: a Blob URL revoked right after. */
export function downloadText(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
