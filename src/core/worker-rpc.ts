// Request/response over a worker thread, so blocking work (itk-wasm reads, ORT session.run) never
// stalls the caller's event loop. The worker side registers handlers; the caller side awaits them.
import { Worker, parentPort, type TransferListItem } from 'node:worker_threads';
import { isUserError, UserError } from '../shared/errors';

interface Request { id: number; method: string; args: unknown[] }
interface Response { id: number; result?: unknown; error?: { message: string; userFacing: boolean } }

type Handler = (...args: any[]) => unknown;

/** Result wrapper that tells the worker which buffers to move (not copy) back to the caller. */
export class Transfer<T> {
  constructor(readonly value: T, readonly transfer: TransferListItem[]) {}
}

/** Inside a worker: answer requests with the given handlers. */
export function serveWorker(handlers: Record<string, Handler>): void {
  if (!parentPort) throw new Error('serveWorker must run inside a worker thread');
  const port = parentPort;
  port.on('message', async ({ id, method, args }: Request) => {
    try {
      const handler = handlers[method];
      if (!handler) throw new Error(`worker has no method ${method}`);
      const out = await handler(...args);
      if (out instanceof Transfer) port.postMessage({ id, result: out.value } satisfies Response, out.transfer);
      else port.postMessage({ id, result: out } satisfies Response);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      port.postMessage({ id, error: { message, userFacing: isUserError(e) } } satisfies Response);
    }
  });
}

/**
 * Caller side. TypeScript worker files (tests, tsx-run CLI) are loaded through tsx; built .js files
 * load directly. The worker is unref'd while idle so it never keeps a CLI process alive, and a worker
 * that died (even while idle) is replaced by a fresh one on the next call.
 */
export class WorkerClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();

  constructor(private readonly url: URL) {}

  private start(): Worker {
    const url = this.url;
    const worker = url.pathname.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true })
      : new Worker(url);
    worker.unref();
    worker.on('message', (msg: Response) => this.settle(msg));
    worker.on('error', (e) => this.failAll(e));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new Error(`worker exited with code ${code}`));
    });
    return worker;
  }

  call<T>(method: string, args: unknown[] = [], transfer: TransferListItem[] = []): Promise<T> {
    const id = this.nextId++;
    this.worker ??= this.start();
    if (this.pending.size === 0) this.worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker!.postMessage({ id, method, args } satisfies Request, transfer);
    });
  }

  async terminate(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
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
