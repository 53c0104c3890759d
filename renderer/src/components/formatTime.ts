const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

export const formatDateTime = (ms: number) => dateTime.format(ms);
export const formatTime = (ms: number) => time.format(ms);
