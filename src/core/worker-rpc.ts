// Request/response over a worker thread, so blocking work (itk-wasm reads, ORT session.run) never
// stalls the caller's event loop. The worker module declares its handlers once and exports their type
// (`export type FooWorkerApi = typeof handlers`); the caller gets a proxy typed from it, so a renamed
// method or a wrong argument is a compile error, not a "worker has no method" at run time:
//
//   worker:  const handlers = { read(path: string) { … } };  serveWorker(handlers);
//            export type IoWorkerApi = typeof handlers;
//   caller:  const client = new WorkerClient<IoWorkerApi>(url);  await client.remote.read('/a.nii');
//            await client.calling({ transfer: [buffer] }).begin(…);   // moves `buffer`, not a copy
//            await client.calling({ onProgress }).read(…);   // the handler's reportProgress(…) calls
import { AsyncLocalStorage } from 'node:async_hooks';
import { Worker, parentPort, type TransferListItem } from 'node:worker_threads';
import { isUserError, UserError } from '../shared/errors';

interface Request { id: number; method: string; args: unknown[] }
interface Response { id: number; result?: unknown; error?: { message: string; userFacing: boolean } }
/** Sent by reportProgress while a call runs; any number of them before its Response. */
interface Progress { id: number; progress: unknown }
/** Sent once by serveWorker: until then a failure means the worker could not start at all. */
interface Ready { ready: true }

export type WorkerHandlers = Record<string, (...args: any[]) => unknown>;

/** Result wrapper that tells the worker which buffers to move (not copy) back to the caller. */
export class Transfer<T> {
  constructor(readonly value: T, readonly transfer: TransferListItem[]) {}
}

/** What the caller sees of one handler: same arguments, a promise of its (unwrapped) result. */
export type WorkerProxy<H extends WorkerHandlers> = {
  [K in keyof H]: (...args: Parameters<H[K]>) => Promise<Awaited<ReturnType<H[K]>> extends Transfer<infer V> ? V : Awaited<ReturnType<H[K]>>>;
};

/**
 * The worker could not start (its module or its loader is missing, a syntax error in a build): a
 * problem of the installation, never of the file or model the call was about.
 */
export class WorkerStartError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'WorkerStartError';
  }
}

export interface CallOptions {
  /** ArrayBuffers of the arguments to move to the worker instead of copying. */
  transfer?: TransferListItem[];
  /** Receives what the handler passes to reportProgress, in order, before the call settles. */
  onProgress?: (progress: any) => void;
}

/** Which request the running handler serves (handlers of different requests may interleave at awaits). */
const currentRequest = new AsyncLocalStorage<number>();

/**
 * Inside a handler: send `progress` to the caller's onProgress. Posted at once, even from a loop that
 * blocks this thread (worker messages do not wait for its event loop).
 */
export function reportProgress(progress: unknown): void {
  const id = currentRequest.getStore();
  if (id !== undefined && parentPort) parentPort.postMessage({ id, progress } satisfies Progress);
}

/** Inside a worker: answer requests with the given handlers. */
export function serveWorker(handlers: WorkerHandlers): void {
  if (!parentPort) throw new Error('serveWorker must run inside a worker thread');
  const port = parentPort;
  port.on('message', ({ id, method, args }: Request) => currentRequest.run(id, async () => {
    try {
      const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
      if (!handler) throw new Error(`worker has no method ${method}`);
      const out = await handler(...args);
      if (out instanceof Transfer) port.postMessage({ id, result: out.value } satisfies Response, out.transfer);
      else port.postMessage({ id, result: out } satisfies Response);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      port.postMessage({ id, error: { message, userFacing: isUserError(e) } } satisfies Response);
    }
  }));
  port.postMessage({ ready: true } satisfies Ready);
}

/**
 * How a worker thread is started. Built .js files load directly. TypeScript worker files (tests, the
 * tsx-run CLI) load through tsx, resolved from this module's own location: the caller's working
 * folder may be anywhere and hold no node_modules at all.
 */
function startWorker(url: URL): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url);
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`,
    { eval: true },
  );
}

/**
 * Caller side. The worker is unref'd while idle so it never keeps a CLI process alive, and a worker
 * that died (even while idle) is replaced by a fresh one on the next call.
 */
export class WorkerClient<H extends WorkerHandlers> {
  private worker: Worker | null = null;
  private ready = false;
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void; onProgress?: (p: any) => void }>();

  /** The worker's handlers, called as if they were local async functions. */
  readonly remote: WorkerProxy<H> = this.calling({});

  constructor(private readonly url: URL) {}

  /** The same proxy, with buffers to move and a progress listener for the calls made through it. */
  calling(options: CallOptions): WorkerProxy<H> {
    return new Proxy({} as WorkerProxy<H>, {
      // Not thenable: `await client.remote` must not turn into a call of a method named "then".
      get: (_, method) => (typeof method === 'string' && method !== 'then'
        ? (...args: unknown[]) => this.request(method, args, options)
        : undefined),
    });
  }

  async terminate(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private start(): Worker {
    let worker: Worker;
    try {
      worker = startWorker(this.url);
    } catch (e) {
      throw new WorkerStartError(e instanceof Error ? e.message : String(e));
    }
    this.ready = false;
    worker.unref();
    worker.on('message', (msg: Response | Progress | Ready) => {
      if ('ready' in msg) this.ready = true;
      else if ('progress' in msg) this.pending.get(msg.id)?.onProgress?.(msg.progress);
      else this.settle(msg);
    });
    worker.on('error', (e) => this.failAll(this.ready ? e : new WorkerStartError(e.message)));
    worker.on('exit', (code) => {
      const started = this.ready;
      if (this.worker === worker) this.worker = null;
      this.failAll(started ? new Error(`worker exited with code ${code}`) : new WorkerStartError(`the worker exited with code ${code} while starting`));
    });
    return worker;
  }

  private request(method: string, args: unknown[], { transfer = [], onProgress }: CallOptions): Promise<any> {
    const id = this.nextId++;
    try {
      this.worker ??= this.start();
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker!.postMessage({ id, method, args } satisfies Request, transfer);
    });
  }

  private settle(msg: Response): void {
    const waiter = this.pending.get(msg.id);
    if (!waiter) return;
    this.pending.delete(msg.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (msg.error) waiter.reject(msg.error.userFacing ? new UserError(msg.error.message) : new Error(msg.error.message));
    else waiter.resolve(msg.result);
  }

  private failAll(e: Error): void {
    for (const { reject } of this.pending.values()) reject(e);
    this.pending.clear();
  }
}
