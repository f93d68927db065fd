// The caller's side of the one I/O worker thread: requests run one at a time (so a time limit
// measures that request only); a worker that dies, hangs or is cancelled mid-read is replaced, and
// the call fails with a message saying whose fault it was (the file's, the installation's, or
// nobody's: a cancel), so the next call works.
import { entryBeside } from '../paths';
import { WorkerClient, WorkerStartError, type CallOptions, type WorkerProxy } from '../worker-rpc';
import { UserError, isUserError } from '../../shared/errors';
import type { IoWorkerApi } from './io-worker';

export interface IoOptions {
  /** Give up (and restart the I/O worker) after this long; default 5 minutes. */
  timeoutMs?: number;
}

export interface CancellableIoOptions extends IoOptions {
  /** Stops the request: it rejects with an error named 'AbortError' (the worker is replaced). */
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;


class TimedOut extends Error {}

export function abortError(what: string): Error {
  return new DOMException(`Cancelled ${what}.`, 'AbortError');
}

type Request<T> = (worker: WorkerProxy<IoWorkerApi>) => Promise<T>;

export class IoWorker {
  private client: WorkerClient<IoWorkerApi> | null = null;
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(request: Request<T>, options: CancellableIoOptions & Pick<CallOptions, 'onProgress'>, what: string): Promise<T> {
    const run = this.tail.then(() => this.dispatch(request, options, what));
    this.tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.terminate().catch(() => undefined);
  }

  private async dispatch<T>(request: Request<T>, options: CancellableIoOptions & Pick<CallOptions, 'onProgress'>, what: string): Promise<T> {
    const { signal, onProgress } = options;
    if (signal?.aborted) throw abortError(what); // cancelled while it waited its turn: never started
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const client = (this.client ??= new WorkerClient<IoWorkerApi>(entryBeside(import.meta.url, 'io-worker')));
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimedOut()), timeoutMs);
      onAbort = () => reject(abortError(what));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([request(client.calling({ onProgress })), stopped]);
    } catch (e) {
      if (isUserError(e)) throw e;
      // The worker died (WASM abort, out of memory), hangs, or is busy with a cancelled request:
      // replace it; the next call gets a fresh one.
      if (this.client === client) this.client = null;
      void client.terminate().catch(() => undefined);
      if ((e as Error)?.name === 'AbortError') throw e;
      if (e instanceof WorkerStartError) {
        // Not the file's fault: say so, or the user throws away a good scan.
        throw new UserError(`MedSeg Studio's image reader could not start (${e.message}) while ${what}; this is a problem of the installation, not of the file. Reinstall the app (or run npm ci in its folder).`);
      }
      if (e instanceof TimedOut) {
        throw new UserError(`Stopped ${what} after ${Math.round(timeoutMs / 1000)} s: it took too long (the file may be damaged or very large). Try again or check the file.`);
      }
      const reason = e instanceof Error ? e.message : String(e);
      throw new UserError(`The image reader stopped unexpectedly while ${what} (${reason}); it has been restarted. The file may be damaged or too large.`);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }
}
