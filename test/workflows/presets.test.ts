import { expect, test } from 'vitest';
import { SCHEDULE_PRESETS } from '../../main/core/workflows/definition';
import { PRESETS } from '../../renderer/src/screens/workflows/presets';
import { SCHEDULE_PRESET_IDS } from '../../preload/contract';

test('the editor offers exactly the presets main knows, with the same cron expressions', () => {
  expect(PRESETS).toEqual(SCHEDULE_PRESETS);
  expect([...SCHEDULE_PRESET_IDS].sort()).toEqual(Object.keys(SCHEDULE_PRESETS).sort());
});
