import { create } from 'zustand';
import { api } from '../bridge';
import { sameSession } from './epoch';

/**
 * Images of attachments, fetched from the vault as data: URLs (attachments.image) when a
 * thumbnail first shows. In memory only, the most recent few, dropped on lock; never a file or a
 * blob: URL.
 */
export type ImageEntry = { status: 'loading' } | { status: 'ready'; dataUrl: string } | { status: 'missing' };

interface ImageState {
  /** By attachment id, oldest first (the order drops the oldest when over the cap). */
  images: Record<string, ImageEntry>;
}

/** How many images stay in memory: enough for a screen of thumbnails. */
export const IMAGES_KEPT = 40;
/** And at most this many characters of data: URLs in all (an image may be 10 MiB, 14 M characters). */
export const IMAGE_CHARS_KEPT = 64 * 1024 * 1024;

export const initialImageState: ImageState = { images: {} };

export const useImageStore = create<ImageState>()(() => initialImageState);

function put(id: string, entry: ImageEntry): void {
  const images = { ...useImageStore.getState().images };
  delete images[id];
  images[id] = entry;
  const size = (e: ImageEntry | undefined) => (e?.status === 'ready' ? e.dataUrl.length : 0);
  let total = Object.values(images).reduce((sum, e) => sum + size(e), 0);
  // Oldest first, never the one just put.
  for (const old of Object.keys(images)) {
    if (old === id || (Object.keys(images).length <= IMAGES_KEPT && total <= IMAGE_CHARS_KEPT)) break;
    total -= size(images[old]);
    delete images[old];
  }
  useImageStore.setState({ images });
}

/** Fetch one image unless it is here or on its way. An id that is not an image of this person's shows as missing. */
export async function loadImage(id: string): Promise<void> {
  const known = useImageStore.getState().images[id];
  if (known && known.status !== 'missing') return;
  const current = sameSession();
  put(id, { status: 'loading' });
  try {
    const { dataUrl } = await api('attachments.image', { id });
    if (current()) put(id, { status: 'ready', dataUrl });
  } catch {
    if (current()) put(id, { status: 'missing' });
  }
}
