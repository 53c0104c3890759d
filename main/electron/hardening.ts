import { app, type Session, type WebContents } from 'electron';
import { isAllowedNavigation, isAllowedRequest } from './appOrigin';
import { isAllowedDownload, saveDialogOptions } from './downloadPolicy';

/**
 * The catch-all: every webContents Electron ever creates (windows, and anything a bug might
 * open) refuses navigation away from cubby://app, new windows and <webview>.
 */
export function hardenAllWebContents(): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
}

function hardenWebContents(contents: WebContents): void {
  // event.url, not the deprecated second argument.
  contents.on('will-navigate', (event) => {
    if (!isAllowedNavigation(event.url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isAllowedNavigation(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAllowedNavigation(event.url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // A page cannot hold its window open with beforeunload: lock and sign-out must close it.
  contents.on('will-prevent-unload', (event) => event.preventDefault());
}

/**
 * Electron grants every permission (camera, notifications, clipboard, HID…) unless a handler
 * says no; Cubby's renderer needs none (Copy goes through main's clipboard.copySecret). The
 * session loads only its own pages, and downloads only blobs its pages made, through the save
 * dialog. The decisions live in Electron-free modules; this only passes Electron's facts on.
 */
export function hardenSession(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequest(details.url) }));
  ses.on('will-download', (event, item) => {
    if (!isAllowedDownload({ url: item.getURL(), initiatorOrigin: item.getInitiatorOrigin() })) {
      event.preventDefault();
      return;
    }
    // No save path set: Electron asks the person where to save, starting from this name.
    item.setSaveDialogOptions(saveDialogOptions(item.getFilename()));
  });
}
