import { ipcMain } from 'electron';
import type { Router } from '../ipc/router';
import { IPC_CALL } from './ipcNames';
import type { WindowManager } from './windows';

/**
 * The one ipcMain handler. It carries every contract channel to the router, which validates
 * the channel name and input and resolves the caller's session from the connection: the
 * payload never names a user. The sender is checked before anything else.
 */
export function installBridge(router: Router, windows: WindowManager): void {
  ipcMain.handle(IPC_CALL, (event, channel: unknown, input: unknown) => {
    // Synchronously, first: after any await the frame may have navigated and this reads null.
    const frame = event.senderFrame;
    const conn = windows.connectionFor(event.sender, frame);
    if (!conn) throw new Error('Refused: the sender is not a Cubby window.');
    return router.call(conn, channel, input);
  });
}
