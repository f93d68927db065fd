// The typed worker proxy: calls, moved buffers, user errors, and a worker that cannot start told apart
// from one that crashed (an installation problem must never be blamed on the user's file).
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerClient, WorkerStartError } from '../../src/core/worker-rpc';
import { isUserError } from '../../src/shared/errors';
import type { EchoWorkerApi } from '../fixtures/workers/echo-worker';

const echoUrl = new URL('../fixtures/workers/echo-worker.ts', import.meta.url);
const clients: WorkerClient<any>[] = [];
function client<H extends Record<string, (...args: any[]) => unknown>>(url: URL): WorkerClient<H> {
  const c = new WorkerClient<H>(url);
  clients.push(c);
  return c;
}
afterEach(async () => { await Promise.all(clients.splice(0).map((c) => c.terminate())); });

describe('WorkerClient', () => {
  it('calls handlers through the typed proxy and moves buffers both ways', async () => {
    const echo = client<EchoWorkerApi>(echoUrl);
    expect(await echo.remote.add(2, 3)).toBe(5);
    const bytes = new Uint8Array([1, 2, 3, 250]);
    const result = await echo.calling({ transfer: [bytes.buffer] }).sumAndFill(bytes, 6);
    expect(result.sum).toBe(256);
    expect(bytes.byteLength).toBe(0); // moved to the worker, not copied
    expect([...result.filled]).toEqual([7, 7, 7, 7, 7, 7]);
  });

  it('delivers progress in order before the result, to the call that asked for it', async () => {
    const echo = client<EchoWorkerApi>(echoUrl);
    const seen: number[] = [];
    const [counted, plain] = await Promise.all([
      echo.calling({ onProgress: (p: { done: number }) => seen.push(p.done) }).count(5),
      echo.remote.count(3), // no listener: its progress goes nowhere
    ]);
    expect([counted, plain]).toEqual([5, 3]);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps user errors user-facing and replaces a worker that died', async () => {
    const echo = client<EchoWorkerApi>(echoUrl);
    const refused = await echo.remote.refuse().catch((e: unknown) => e);
    expect(isUserError(refused)).toBe(true);
    expect((refused as Error).message).toBe('that file is not an image');
    const crashed = await echo.remote.exit().catch((e: unknown) => e);
    expect(crashed).toBeInstanceOf(Error);
    expect(crashed).not.toBeInstanceOf(WorkerStartError);
    expect((crashed as Error).message).toMatch(/exited with code 5/);
    expect(await echo.remote.add(1, 1)).toBe(2); // a fresh worker
  });

  it('reports a worker that cannot load as a start failure, not as a failed call', async () => {
    const broken = client<EchoWorkerApi>(new URL('../fixtures/workers/broken-worker.ts', import.meta.url));
    const error = await broken.remote.add(1, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect((error as Error).message).toMatch(/Cannot find package 'some-dependency'/);
    const missing = client<EchoWorkerApi>(new URL('../fixtures/workers/no-such-worker.js', import.meta.url));
    expect(await missing.remote.add(1, 2).catch((e: unknown) => e)).toBeInstanceOf(WorkerStartError);
  });

  it('refuses a method the worker does not have (a cast around the compiler)', async () => {
    const echo = client<Record<string, () => unknown>>(echoUrl);
    await expect(echo.remote.nope()).rejects.toThrow(/worker has no method nope/);
    await expect(echo.remote.toString()).rejects.toThrow(/worker has no method toString/);
  });
});
