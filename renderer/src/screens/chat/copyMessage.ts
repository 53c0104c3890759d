import { copySecret } from '../../components/copyText';

/**
 * Copy through main's clipboard channel (which clears it again after a minute) where the text
 * fits it; longer text goes through the browser's clipboard.
 */
export async function copyMessageText(text: string): Promise<boolean> {
  if (text.length > 0 && text.length <= 256) return copySecret(text);
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
