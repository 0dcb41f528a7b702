/**
 * The end-to-end test harness: the renderer served to a real browser over loopback, with
 * `window.tearline` backed by the real core. It is test code, never part of the app.
 *
 * One harness is one workstation: its own folder (vault, settings, files), its own core
 * thread, its own HTTP server on 127.0.0.1 and a random port. It stands in for Electron's
 * main process, and reuses the main process's own modules wherever Electron is not needed:
 * the routing of calls (routes.ts), the main-channel handlers (main-handlers.ts), the
 * settings store, the auto-lock timer, the self-clearing clipboard, the core client, and the
 * app:// file server with its security headers (protocol.ts), so the page runs under the
 * app's exact Content-Security-Policy. What it replaces: the sender check of ipc.ts
 * (here, the caller must show the harness's own origin), the dialogs (a DialogDouble that
 * the test answers beforehand) and the system clipboard (an in-memory one).
 * TEARLINE_HARNESS_TRACE=1 logs every call's channel through `options.log`.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { TearlineError } from '../../../shared/errors';
import {
  APP_ORIGIN,
  channelDef,
  fail,
  isChannelName,
  requestProblem,
  type ChannelName,
  type IpcResult,
  type KDF_LEVEL_NAMES,
  type LockReason,
  type RequestOf,
  type ResponseOf,
  type TearlineEvent,
} from '../../../shared/ipc';
import { AutoLock } from '../../../electron/main/auto-lock';
import { ClipboardGuard, type ClipboardLike } from '../../../electron/main/clipboard';
import { CoreClient, coreEventListener } from '../../../electron/main/core-client';
import type { InvokeContext } from '../../../electron/main/ipc';
import { createMainHandlers } from '../../../electron/main/main-handlers';
import { SECURITY_HEADERS, serveApp } from '../../../electron/main/protocol';
import { createRoute } from '../../../electron/main/routes';
import { SettingsStore } from '../../../electron/main/settings';
import { harnessPageScript, REPO_ROOT, writeHarnessCoreScript } from './build-scripts';
import { spawnCoreThread, type CoreThread } from './core-thread';
import { DialogDouble } from './dialogs';
import { ACTIVITY_PATH, API_SCRIPT_PATH, EVENTS_PATH, HARNESS_PREFIX, INVOKE_PATH } from './paths';
type KdfLevel = (typeof KDF_LEVEL_NAMES)[number];

export interface HarnessOptions {
  /** The workstation's folder. By default a fresh temporary one, removed by close(). */
  dir?: string;
  /** The built renderer (default $TEARLINE_RENDERER_DIR, else dist/renderer); copied at start. */
  rendererDir?: string;
  /** The Argon2id level of vaults created without naming one (default interactive: tests stay fast). */
  kdf?: KdfLevel;
  /**
   * How long an auto-lock "minute" lasts, in ms (default 60 000). Settings cannot go below
   * one minute, so tests shorten the minute instead; everything else about auto-lock is the app's.
   */
  autoLockMinuteMs?: number;
  /** With no answer queued, a dialog is cancelled (tests, the default) or answered in the files folder (manual use). */
  dialogs?: 'cancel' | 'choose';
  port?: number;
  log?: (line: string) => void;
}

export interface Harness {
  /** The page to open: http://127.0.0.1:PORT/ */
  readonly url: string;
  readonly origin: string;
  readonly dir: string;
  readonly vaultPath: string;
  /** Where the standalone harness's dialogs save; a convenient place for a test's files too. */
  readonly filesDir: string;
  readonly dialogs: DialogDouble;
  /** What the app last put on the (in-memory) clipboard, '' once cleared. */
  readonly clipboardText: string;
  /** Every event sent to the page, in order. */
  readonly events: readonly TearlineEvent[];
  readonly isUnlocked: boolean;
  /** A call on the same path as the page's, for setting up a test (creating a vault, seeding cases). */
  call<K extends ChannelName>(channel: K, ...request: Record<never, never> extends RequestOf<K> ? [RequestOf<K>?] : [RequestOf<K>]): Promise<IpcResult<ResponseOf<K>>>;
  /** Like call, but returns the value and throws on an error result. */
  value<K extends ChannelName>(channel: K, ...request: Record<never, never> extends RequestOf<K> ? [RequestOf<K>?] : [RequestOf<K>]): Promise<ResponseOf<K>>;
  /** The channels of the calls answered so far (the page's and the test's), in the order they were answered. */
  readonly answered: readonly ChannelName[];
  /** Locks as the system would (suspend, screen lock) or as auto-lock does. */
  lock(reason: LockReason): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const VAULT_FILE = 'vault.tearline';

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const log = options.log ?? (() => undefined);
  const rendererSource = options.rendererDir ?? defaultRendererDir();
  if (!existsSync(path.join(rendererSource, 'index.html'))) {
    throw new Error(`no built renderer at ${rendererSource}: run \`node scripts/build.mjs\` first`);
  }
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'tearline-e2e-'));
  const filesDir = path.join(dir, 'files');
  mkdirSync(filesDir, { recursive: true });
  const vaultPath = path.join(dir, VAULT_FILE);
  const minuteMs = options.autoLockMinuteMs ?? 60_000;
  // What the harness runs (the renderer's copy, the core's script) lives apart from the
  // workstation's folder, which serve.ts --dir keeps, and goes with the harness.
  const runDir = mkdtempSync(path.join(tmpdir(), 'tearline-e2e-run-'));
  const rendererRoot = snapshotRenderer(rendererSource, path.join(runDir, 'renderer'));
  const [pageScript, coreScript] = await Promise.all([harnessPageScript(), writeHarnessCoreScript(path.join(runDir, 'core'))]);

  // ------------------------------------------------------------ events to the page
  const events: TearlineEvent[] = [];
  const streams = new Set<ServerResponse>();
  function broadcast(event: TearlineEvent): void {
    events.push(event);
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const stream of streams) stream.write(frame);
  }

  // ------------------------------------------------------------ the main process's parts
  const settings = new SettingsStore(path.join(dir, 'settings.json'));
  let clipboardText = '';
  const clipboard: ClipboardLike = {
    readText: () => clipboardText,
    writeText: (text) => {
      clipboardText = text;
    },
    clear: () => {
      clipboardText = '';
    },
  };
  const autoLock = new AutoLock(settings.get().autoLockMinutes * minuteMs, () => core.lock('idle'));
  const guard = new ClipboardGuard(clipboard, () => settings.get().clipboardClearSeconds * 1000, () => broadcast({ type: 'clipboard-cleared' }));
  let thread: CoreThread | undefined;
  const core = new CoreClient(
    () => {
      thread = spawnCoreThread(coreScript, { vaultPath }, log);
      return thread;
    },
    coreEventListener({ autoLock, clipboard: guard, broadcast }),
  );
  const dialogs = new DialogDouble(filesDir, options.dialogs ?? 'cancel');
  const version = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const route = createRoute({
    core,
    main: createMainHandlers({
      appInfo: () => ({ name: 'Tearline', version, electron: 'none (test harness)', chrome: 'Chromium (test harness)', platform: process.platform, packaged: false }),
      settings,
      clipboard: guard,
      // main-handlers.ts sets the delay in real milliseconds; the harness's minute may be shorter.
      autoLock: { setDelay: (ms) => autoLock.setDelay((ms / 60_000) * minuteMs) },
      core,
    }),
    chooseFile: async (spec) => dialogs.choose(spec),
  });
  // The route's handlers never look at the sender; there is no WebContents here.
  const context = {} as InvokeContext;

  const answered: ChannelName[] = [];
  /** ipc.ts's dispatcher, less the sender check: unknown channel, request schema, route, response schema. */
  async function dispatch(name: unknown, payload: unknown): Promise<IpcResult<unknown>> {
    if (process.env.TEARLINE_HARNESS_TRACE) log(`call ${String(name)}`);
    if (!isChannelName(name)) return fail('E_USAGE', 'unknown channel');
    const def = channelDef(name);
    const parsed = def.request.safeParse(withDefaultKdf(name, payload, options.kdf ?? 'interactive'));
    if (!parsed.success) return { ok: false, error: requestProblem(parsed.error) };
    autoLock.activity();
    let result: IpcResult<unknown>;
    try {
      result = await route(name, parsed.data, context);
    } catch (error) {
      if (error instanceof TearlineError) return fail(error.code, error.message, error.at);
      log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fail('E_INTERNAL', 'an unexpected internal error; the details are in the log');
    }
    answered.push(name);
    if (!result.ok) return result;
    const checked = def.response.safeParse(result.value);
    if (!checked.success) {
      log(`${name}: the response does not match the contract: ${checked.error.message}`);
      return fail('E_INTERNAL', `the ${name} response does not match the contract`);
    }
    return { ok: true, value: checked.data };
  }

  // ------------------------------------------------------------ HTTP
  const serveFile = serveApp(rendererRoot);
  let origin = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    if (!url.pathname.startsWith(HARNESS_PREFIX)) {
      const response = await serveFile(new Request(`${APP_ORIGIN}${url.pathname}`, { method: req.method ?? 'GET' }));
      // Chromium asks for /favicon.ico on its own; Electron's window never does. Not the app's request.
      if (url.pathname === '/favicon.ico' && response.status === 404) return send(res, 204, '', {});
      const isPage = url.pathname === '/' || url.pathname === '/index.html';
      if (isPage && response.status === 200) {
        const html = (await response.text()).replace('</head>', `<script src="${API_SCRIPT_PATH}"></script></head>`);
        return send(res, 200, html, Object.fromEntries(response.headers));
      }
      return send(res, response.status, new Uint8Array(await response.arrayBuffer()), Object.fromEntries(response.headers));
    }
    if (req.method === 'GET' && url.pathname === API_SCRIPT_PATH) {
      return send(res, 200, pageScript, { 'content-type': 'text/javascript; charset=utf-8' });
    }
    if (req.method === 'GET' && url.pathname === EVENTS_PATH) {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
      res.write('retry: 500\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (req.method === 'POST' && (url.pathname === INVOKE_PATH || url.pathname === ACTIVITY_PATH)) {
      // Stands in for ipc.ts's sender check: only a page of this harness's origin may call.
      if (req.headers.origin !== origin) return send(res, 403, 'refused: not the harness origin', { 'content-type': 'text/plain' });
      if (url.pathname === ACTIVITY_PATH) {
        autoLock.activity();
        return send(res, 204, '', {});
      }
      const body = await readBody(req);
      let message: { channel?: unknown; payload?: unknown };
      try {
        message = JSON.parse(body) as typeof message;
      } catch {
        return send(res, 400, 'the body is not JSON', { 'content-type': 'text/plain' });
      }
      const result = await dispatch(message.channel, message.payload);
      return send(res, 200, JSON.stringify(result), { 'content-type': 'application/json; charset=utf-8' });
    }
    return send(res, 404, 'Not found', { 'content-type': 'text/plain' });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`harness: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!res.headersSent) send(res, 500, 'harness error', { 'content-type': 'text/plain' });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  const harness: Harness = {
    url: `${origin}/`,
    origin,
    dir,
    vaultPath,
    filesDir,
    dialogs,
    get clipboardText() {
      return clipboardText;
    },
    events,
    answered,
    get isUnlocked() {
      return core.isUnlocked;
    },
    call: ((channel: ChannelName, request?: unknown) => dispatch(channel, request ?? {})) as Harness['call'],
    value: (async (channel: ChannelName, request?: unknown) => {
      const result = await dispatch(channel, request ?? {});
      if (!result.ok) throw new TearlineError(result.error.code, `${channel}: ${result.error.message}`, result.error.at === undefined ? {} : { at: result.error.at });
      return result.value;
    }) as Harness['value'],
    lock: (reason) => core.lock(reason),
    async close() {
      try {
        autoLock.stop();
        for (const stream of streams) stream.end();
        streams.clear();
        core.stop();
        await thread?.ended;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      } finally {
        rmSync(runDir, { recursive: true, force: true });
        if (ownDir) rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return harness;
}

/**
 * A vault created from the page names no Argon2id level, so the contract's default
 * (moderate) would apply; the harness gives its own (interactive by default) to keep the
 * tests fast. A request that names a level keeps it.
 */
function withDefaultKdf(name: ChannelName, payload: unknown, kdf: KdfLevel): unknown {
  if (name !== 'createVault' || typeof payload !== 'object' || payload === null || 'kdf' in payload) return payload;
  return { ...payload, kdf };
}

export function defaultRendererDir(): string {
  return process.env.TEARLINE_RENDERER_DIR ?? path.join(REPO_ROOT, 'dist', 'renderer');
}

/** A copy of the built renderer, so a rebuild running meanwhile (it empties dist/) cannot pull files from under a test. */
function snapshotRenderer(from: string, to: string): string {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  return to;
}

function send(res: ServerResponse, status: number, body: string | Uint8Array, headers: Record<string, string>): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('the request body is too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
