import { api, asBridgeError } from '../../bridge';
import { copyThroughMain } from '../../components/copyText';

/**
 * Copy the person's own content (an answer, a code block) through main, which takes it back off
 * the clipboard when they lock; only the browser host, with no OS clipboard of its own, leaves it
 * to the browser. False if the copy failed.
 */
export function copyMessageText(text: string): Promise<boolean> {
  return text.length === 0 ? Promise.resolve(false) : copyThroughMain('clipboard.copyText', text);
}

/**
 * A link in an answer, after the person clicked it: main opens http(s) links in the system
 * browser. The browser host has no system browser to hand it to: a new tab, with no opener.
 */
export async function openAnswerLink(url: string): Promise<void> {
  try {
    await api('app.openLink', { url });
  } catch (e) {
    if (asBridgeError(e).code === 'NOT_SUPPORTED') window.open(url, '_blank', 'noopener,noreferrer');
  }
}
