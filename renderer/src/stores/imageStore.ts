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

/** How many images stay in memory (up to 10 MiB each as base64): enough for a screen of thumbnails. */
export const IMAGES_KEPT = 40;

export const initialImageState: ImageState = { images: {} };

export const useImageStore = create<ImageState>()(() => initialImageState);

function put(id: string, entry: ImageEntry): void {
  const images = { ...useImageStore.getState().images };
  delete images[id];
  images[id] = entry;
  const ids = Object.keys(images);
  for (const old of ids.slice(0, Math.max(0, ids.length - IMAGES_KEPT))) delete images[old];
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
