import { describe, expect, it } from 'vitest';
import { downloadFileName, isAllowedDownload, saveDialogOptions } from '../../main/electron/downloadPolicy';

/** The Electron-free decisions behind hardenSession: which downloads get through. */
const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const APP_BLOB = `blob:cubby://app/${UUID}`;

describe('isAllowedDownload', () => {
  it('allows a blob a cubby://app page made and started', () => {
    expect(isAllowedDownload({ url: APP_BLOB, initiatorOrigin: 'cubby://app' })).toBe(true);
  });

  it('refuses network, file and data URLs, other origins’ blobs, and downloads no app page started', () => {
    const refused: Array<[unknown, unknown]> = [
      ['https://example.com/key.txt', 'cubby://app'],
      ['cubby://app/index.html', 'cubby://app'],
      ['file:///etc/passwd', 'cubby://app'],
      ['data:text/plain,x', 'cubby://app'],
      [`blob:https://example.com/${UUID}`, 'cubby://app'],
      [`blob:null/${UUID}`, 'cubby://app'],
      [`blob:cubby://app.evil/${UUID}`, 'cubby://app'],
      [APP_BLOB, ''],
      [APP_BLOB, 'null'],
      [APP_BLOB, 'https://example.com'],
      [APP_BLOB, 'cubby://app.evil'],
      [APP_BLOB, undefined],
      [undefined, 'cubby://app'],
    ];
    for (const [url, initiatorOrigin] of refused) expect(isAllowedDownload({ url, initiatorOrigin }), `${String(url)} from ${String(initiatorOrigin)}`).toBe(false);
  });
});

describe('the save dialog’s file name', () => {
  it('keeps a plain name and makes it a .txt', () => {
    expect(downloadFileName('cubby-recovery-key-ada.txt')).toBe('cubby-recovery-key-ada.txt');
    expect(downloadFileName('cubby-recovery-key-ada')).toBe('cubby-recovery-key-ada.txt');
    expect(downloadFileName('KEY.TXT')).toBe('KEY.txt');
    // A conversation exported as Markdown keeps its type.
    expect(downloadFileName('Zebra finch songs.md')).toBe('Zebra-finch-songs.md');
    expect(downloadFileName('notes.MD')).toBe('notes.md');
  });

  it('never yields a path, a hidden file or another type', () => {
    expect(downloadFileName('../../.bashrc')).toBe('bashrc.txt');
    expect(downloadFileName('/etc/passwd')).toBe('etc-passwd.txt');
    expect(downloadFileName('C:\\Windows\\evil.exe')).toBe('C-Windows-evil.exe.txt');
    expect(downloadFileName('run.desktop')).toBe('run.desktop.txt');
    expect(downloadFileName('evil.md.exe')).toBe('evil.md.exe.txt');
    expect(downloadFileName('a\u0000b\nc.txt')).toBe('a-b-c.txt');
    for (const name of ['', '...', '.txt', '///', undefined, null, 7]) expect(downloadFileName(name), String(name)).toBe('cubby.txt');
    expect(downloadFileName('x'.repeat(500)).length).toBeLessThanOrEqual(100);
  });

  it('offers text files in the dialog', () => {
    expect(saveDialogOptions('cubby-recovery-key-bob.txt')).toEqual({
      title: 'Save as text file',
      defaultPath: 'cubby-recovery-key-bob.txt',
      filters: [{ name: 'Text file', extensions: ['txt'] }],
    });
    expect(saveDialogOptions('chat.md')).toEqual({
      title: 'Save as Markdown file',
      defaultPath: 'chat.md',
      filters: [{ name: 'Markdown file', extensions: ['md'] }],
    });
  });
});
