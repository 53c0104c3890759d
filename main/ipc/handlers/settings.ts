import type { settingsChannels } from '../../../preload/contract';
import { setByOrganization } from '../../core/policy/effective';
import { idlePreference, setIdleMinutes, setSettingChecked } from '../../core/policy/idle';
import { getSetting, listSettings } from '../../core/vault/settings';
import { own, type AreaHandlers } from './context';

export const settingsHandlers: AreaHandlers<keyof typeof settingsChannels> = {
  'settings.list': (_input, ctx) => listSettings(own(ctx)),
  'settings.get': (input, ctx) => ({ value: getSetting(own(ctx), input.key) ?? null }),
  'settings.set': (input, ctx) => {
    setSettingChecked(own(ctx), input.key, input.value, ctx.idleLockSeconds);
    return {};
  },
  'settings.idleLock.get': (_input, ctx) => {
    const pref = idlePreference(own(ctx), ctx.idleLockSeconds);
    return {
      minutes: pref.minutes,
      chosen: pref.chosen,
      maxMinutes: ctx.idleLockSeconds > 0 ? pref.maxMinutes : null,
      setByOrganization: setByOrganization(ctx.policy, 'maxIdleMinutes'),
    };
  },
  'settings.idleLock.set': (input, ctx) => {
    setIdleMinutes(own(ctx), input.minutes, ctx.idleLockSeconds);
    return {};
  },
};
