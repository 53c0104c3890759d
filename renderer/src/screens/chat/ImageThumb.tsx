import { useEffect, useState } from 'react';
import type { AttachmentMeta } from '../../bridge/types';
import { Dialog } from '../../components/Dialog';
import { loadImage, useImageStore } from '../../stores/imageStore';

/** Only raster images as data: URLs reach an <img> (main checks the bytes too; SVG never). */
const SAFE_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]*={0,2}$/;

/**
 * A small picture of an image attachment; Click or Enter opens it larger in a dialog. While the
 * image is not here (loading, or gone) it shows its name instead.
 */
export function ImageThumb({
  name,
  src,
  status,
  onReload,
}: {
  name: string;
  src: string | null;
  status: 'loading' | 'ready' | 'missing' | 'dropped';
  /** For 'dropped': fetch it again. */
  onReload?: () => void;
}) {
  const [open, setOpen] = useState(false);
  const safe = src && SAFE_IMAGE.test(src) ? src : null;
  if (!safe && status === 'dropped') {
    return (
      <button type="button" className="image-thumb image-thumb-empty" aria-label={`Show image ${name}`} onClick={onReload}>
        …
      </button>
    );
  }
  if (!safe) {
    return (
      <span className="image-thumb image-thumb-empty" role="img" aria-label={`Image ${name}${status === 'loading' ? ' (loading)' : ' (not available)'}`}>
        {status === 'loading' ? <span className="spinner" aria-hidden="true" /> : '?'}
      </span>
    );
  }
  return (
    <>
      <button type="button" className="image-thumb" aria-label={`View image ${name}`} aria-haspopup="dialog" onClick={() => setOpen(true)}>
        <img src={safe} alt="" draggable={false} />
      </button>
      {open ? (
        <Dialog title={name} onClose={() => setOpen(false)}>
          <img className="image-view" src={safe} alt={name} />
        </Dialog>
      ) : null}
    </>
  );
}

/** The thumbnail of a sent image, fetched from the vault when it first shows. */
export function AttachmentImage({ attachment }: { attachment: AttachmentMeta }) {
  const entry = useImageStore((s) => s.images[attachment.id]);
  const pending = attachment.id.startsWith('pending-');
  const [asked, setAsked] = useState(false);
  useEffect(() => {
    if (pending) return;
    setAsked(true);
    void loadImage(attachment.id);
  }, [attachment.id, pending]);
  // Asked for and gone again: dropped to keep memory down while other images loaded. Fetched
  // again on request only, so thumbnails on screen cannot keep dropping each other.
  const status = pending ? 'loading' : (entry?.status ?? (asked ? 'dropped' : 'loading'));
  return (
    <ImageThumb name={attachment.name} src={entry?.status === 'ready' ? entry.dataUrl : null} status={status} onReload={() => void loadImage(attachment.id)} />
  );
}
