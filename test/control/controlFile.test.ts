import { randomBytes } from 'node:crypto';
import { expect, test } from 'vitest';
import { controlFileText, controlPaths, endpointUsable, newPipeName, parseControlFile } from '../../main/control/protocol';

const token = () => randomBytes(32).toString('base64url');

test('Windows: the pipe name is random per start and travels only in the private token file', () => {
  const paths = controlPaths('C:\\Users\\Public\\Cubby', 'win32');
  // Nothing derived from the data directory that another OS account could create first.
  expect(paths.endpoint).toBe('');
  expect(endpointUsable(paths)).toBe(true);
  const a = newPipeName();
  expect(a).toMatch(/^\\\\\.\\pipe\\cubby-control-[0-9a-f]{32}$/);
  expect(newPipeName()).not.toBe(a);

  const t = token();
  expect(parseControlFile(controlFileText(t, a))).toEqual({ token: t, pipe: a });
  expect(parseControlFile(controlFileText(t))).toEqual({ token: t, pipe: null });
});

test('a token file that is not exactly what an app writes is refused', () => {
  const t = token();
  for (const text of [
    '',
    'short\n',
    `${t}x\n`,
    `${t}\n\\\\.\\pipe\\someone-elses\n`, // a pipe the app would never name
    `${t}\n/tmp/elsewhere.sock\n`,
    `${t}\n${newPipeName()}\nextra\n`,
  ]) {
    expect(parseControlFile(text), JSON.stringify(text)).toBeNull();
  }
});

test('POSIX keeps its socket inside the private folder', () => {
  const paths = controlPaths('/home/shared/cubby', 'linux');
  expect(paths.endpoint).toBe('/home/shared/cubby/control/app.sock');
  expect(paths.tokenFile).toBe('/home/shared/cubby/control/token');
});
