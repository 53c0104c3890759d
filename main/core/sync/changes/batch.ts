/** Checks of a batch from another device before anything of it is applied. */
import { CubbyError } from '../../errors';
import { deviceOfHlc, isHlc, type HybridClock } from './hlc';
import type { FieldChange, Hlc, RowChange } from './types';
import { isSyncValue } from './values';

function rejected(what: string): CubbyError {
  return new CubbyError('SYNC_OBJECT_REJECTED', `A change from another device was set aside: ${what}.`);
}

/** Shape and clocks of a batch, before anything is written: a malformed batch changes nothing. */
export function checkBatch(changes: readonly RowChange[], fromDevice: string | null, clock: HybridClock): void {
  let lastOwn = '';
  let lastKnown = '';
  const own = (t: Hlc) => {
    if (t === lastOwn) return;
    lastOwn = t;
    if (!isHlc(t)) throw rejected('it carries a malformed clock');
    if (fromDevice !== null && deviceOfHlc(t) !== fromDevice) throw rejected('it carries a clock of another device');
    clock.observe(t);
  };
  const known = (t: Hlc) => {
    if (t === lastKnown) return;
    lastKnown = t;
    clock.observe(t);
  };
  if (!Array.isArray(changes)) throw rejected('it is not a list of changes');
  for (const c of changes) {
    if (typeof c !== 'object' || c === null || typeof c.tbl !== 'string' || typeof c.key !== 'string' || c.key.length > 200) {
      throw rejected('a row is malformed');
    }
    if ((c.del === undefined) === (c.f === undefined)) throw rejected('a row is neither an edit nor a deletion');
    if (c.del !== undefined) {
      own(c.del);
      if (c.seen !== undefined && (typeof c.seen !== 'object' || c.seen === null || !Object.values(c.seen).every(isHlc))) {
        throw rejected('a deletion is malformed');
      }
      // Clocks this device will store are observed too (the same limit on how far ahead they may be).
      for (const t of Object.values(c.seen ?? {}) as Hlc[]) known(t);
      continue;
    }
    if (typeof c.f !== 'object' || c.f === null) throw rejected('a row is malformed');
    for (const fc of Object.values(c.f) as FieldChange[]) {
      if (typeof fc !== 'object' || fc === null || !isSyncValue(fc.v)) throw rejected('a value is malformed');
      own(fc.t);
      if (fc.p !== null && (!isHlc(fc.p) || fc.p >= fc.t)) throw rejected('a clock is out of order');
      if (fc.p !== null) known(fc.p);
    }
  }
}
