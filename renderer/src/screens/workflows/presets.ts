/** Schedule presets the editor offers (main stores the cron and the preset's id). */
export const PRESETS = {
  'every-hour': { label: 'Every hour', cron: '0 * * * *' },
  'every-day-8': { label: 'Every day at 8:00', cron: '0 8 * * *' },
  'every-weekday-8': { label: 'Every weekday at 8:00', cron: '0 8 * * 1-5' },
  'every-monday-9': { label: 'Every Monday at 9:00', cron: '0 9 * * 1' },
} as const;
export type PresetId = keyof typeof PRESETS;

export const STATUS_LABELS = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  missed: 'Missed',
  interrupted: 'Interrupted',
} as const;

export const TRIGGER_LABELS = { now: 'Run now', schedule: 'Scheduled', 'catch-up': 'Catch-up' } as const;
