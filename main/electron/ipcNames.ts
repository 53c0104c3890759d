/**
 * The two IPC channels between preload and main. Every contract channel travels over CALL
 * (its name is an argument the router validates); every contract event over EVENT.
 * Shared by main/electron and the preload; Electron-free.
 */
export const IPC_CALL = 'cubby:call';
export const IPC_EVENT = 'cubby:event';
