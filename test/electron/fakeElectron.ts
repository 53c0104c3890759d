import { EventEmitter } from 'node:events';

/**
 * A recording stand-in for the parts of Electron's main-process API the shell uses, so the
 * shell's wiring (window options, partitions, protocol handlers, hardening hooks, the IPC
 * sender check, auto-lock, window replacement) runs under Node where no Electron binary
 * exists. It checks our wiring against Electron's documented API; it proves nothing about
 * Electron itself, which is what test/electron/*.spec.ts is for.
 */
type Listener = (...args: unknown[]) => unknown;

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  frameTreeNodeId: number;
  processId: number;
  routingId: number;
}

let nextId = 1;

export class FakeSession extends EventEmitter {
  readonly handlers = new Map<string, (req: Request) => Promise<Response> | Response>();
  permissionRequest: Listener | null = null;
  permissionCheck: Listener | null = null;
  devicePermission: Listener | null = null;
  beforeRequest: Listener | null = null;
  cleared = 0;
  readonly protocol = {
    handle: (scheme: string, handler: (req: Request) => Promise<Response> | Response) => {
      if (this.handlers.has(scheme)) throw new Error(`scheme ${scheme} already handled in this session`);
      this.handlers.set(scheme, handler);
    },
    unhandle: (scheme: string) => void this.handlers.delete(scheme),
  };
  readonly webRequest = { onBeforeRequest: (l: Listener) => void (this.beforeRequest = l) };
  constructor(
    readonly partition: string,
    readonly options: unknown,
  ) {
    super();
  }
  setPermissionRequestHandler(l: Listener) {
    this.permissionRequest = l;
  }
  setPermissionCheckHandler(l: Listener) {
    this.permissionCheck = l;
  }
  setDevicePermissionHandler(l: Listener) {
    this.devicePermission = l;
  }
  async clearStorageData() {
    this.cleared++;
  }
  async clearCache() {}
  isPersistent() {
    return this.partition.startsWith('persist:');
  }
  /** A download as Chromium would report it: whether a will-download listener cancelled it. */
  tryDownload(item: FakeDownloadItem, contents: unknown = null): boolean {
    let prevented = false;
    this.emit('will-download', { preventDefault: () => void (prevented = true) }, item, contents, null);
    return prevented;
  }
}

/** The DownloadItem getters the shell reads, and what it set on the item. */
export class FakeDownloadItem {
  saveDialogOptions: unknown = null;
  savePath: string | null = null;
  constructor(
    readonly url: string,
    readonly initiatorOrigin: string,
    readonly filename: string,
  ) {}
  getURL() {
    return this.url;
  }
  getURLChain() {
    return [this.url];
  }
  getInitiatorOrigin() {
    return this.initiatorOrigin;
  }
  getFilename() {
    return this.filename;
  }
  setSaveDialogOptions(options: unknown) {
    this.saveDialogOptions = options;
  }
  setSavePath(path: string) {
    this.savePath = path;
  }
}

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly sent: unknown[][] = [];
  mainFrame: FakeFrame;
  url = '';
  destroyed = false;
  windowOpenHandler: Listener | null = null;
  constructor(readonly session: FakeSession) {
    super();
    this.mainFrame = { url: '', parent: null, frameTreeNodeId: this.id * 10, processId: 100 + this.id, routingId: 1 };
  }
  setWindowOpenHandler(l: Listener) {
    this.windowOpenHandler = l;
  }
  send(...args: unknown[]) {
    this.sent.push(args);
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** Navigation as Chromium would report it: true if a will-navigate listener prevented it. */
  tryNavigate(url: string): boolean {
    let prevented = false;
    this.emit('will-navigate', { url, preventDefault: () => void (prevented = true) }, url);
    return prevented;
  }
}

export const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  paths: new Map<string, string>([['userData', '/nonexistent/default-user-data']]),
  sandboxEnabled: false,
  quitCalls: 0,
  exitCode: null as number | null,
  isReady: false,
  readyResolve: (() => undefined) as () => void,
  ready: null as Promise<void> | null,
  setPath(name: string, value: string) {
    this.paths.set(name, value);
  },
  getPath(name: string) {
    return this.paths.get(name) ?? '';
  },
  enableSandbox() {
    this.sandboxEnabled = true;
  },
  /** Whether this launch wins the single-instance lock (false: another Cubby is running). */
  singleInstance: true,
  requestSingleInstanceLock() {
    return this.singleInstance;
  },
  quit() {
    this.quitCalls++;
  },
  exit(code: number) {
    this.exitCode = code;
  },
  whenReady() {
    this.ready ??= new Promise<void>((resolve) => (this.readyResolve = resolve));
    return this.ready;
  },
  /** The test decides when Electron is ready. */
  fireReady() {
    this.whenReady();
    this.isReady = true;
    this.readyResolve();
  },
});

export const windows: FakeBrowserWindow[] = [];

export class FakeBrowserWindow extends EventEmitter {
  static getAllWindows() {
    return windows.filter((w) => !w.destroyed);
  }
  readonly id = nextId++;
  readonly webContents: FakeWebContents;
  destroyed = false;
  shown = false;
  focused = false;
  constructor(readonly options: { webPreferences: { session: FakeSession } & Record<string, unknown> } & Record<string, unknown>) {
    super();
    this.webContents = new FakeWebContents(options.webPreferences.session);
    windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url: string) {
    this.webContents.url = url;
    this.webContents.mainFrame.url = url;
  }
  getBounds() {
    return { x: 1, y: 2, width: 900, height: 700 };
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  show() {
    this.shown = true;
  }
  focus() {
    this.focused = true;
  }
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
    this.webContents.emit('destroyed');
    if (FakeBrowserWindow.getAllWindows().length === 0) app.emit('window-all-closed');
  }
}

export const sessions: FakeSession[] = [];
export const session = {
  fromPartition(partition: string, options?: unknown) {
    const s = new FakeSession(partition, options);
    sessions.push(s);
    return s;
  },
};

export const privilegedSchemes: unknown[] = [];
export const protocol = {
  registerSchemesAsPrivileged(schemes: unknown[]) {
    if (app.isReady) throw new Error('registerSchemesAsPrivileged after ready');
    privilegedSchemes.push(...schemes);
  },
};

export const ipcHandlers = new Map<string, Listener>();
export const ipcMain = {
  handle(channel: string, l: Listener) {
    if (ipcHandlers.has(channel)) throw new Error(`second handler for ${channel}`);
    ipcHandlers.set(channel, l);
  },
};

export const powerMonitor = Object.assign(new EventEmitter(), {
  idleSeconds: 0,
  idleState: 'active' as 'active' | 'idle' | 'locked' | 'unknown',
  getSystemIdleTime() {
    return this.idleSeconds;
  },
  getSystemIdleState(_thresholdSeconds: number) {
    return this.idleState;
  },
});

/** Electron 45's clipboard is promise-based; this one holds one string. */
export const clipboard = {
  text: '',
  async readText() {
    return this.text;
  },
  async writeText(text: string) {
    this.text = text;
  },
};

export const errorBoxes: string[][] = [];
export const dialog = { showErrorBox: (title: string, body: string) => void errorBoxes.push([title, body]) };

/** shell.openExternal: the links main was asked to open, in order. */
export const openedLinks: string[] = [];
export const shell = { openExternal: async (url: string) => void openedLinks.push(url) };

export const BrowserWindow = FakeBrowserWindow;
