// Engine jobs a page can stop (a segmentation, a case being opened), by the jobId the caller chose.
import { UserError } from '../shared/errors';

export class CancellableJobs {
  private readonly running = new Map<string, AbortController>();

  /** Runs `task` with a signal that cancelJob(jobId) aborts; without a jobId it cannot be cancelled. */
  async run<T>(jobId: string | undefined, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const abort = new AbortController();
    if (jobId !== undefined) {
      if (this.running.has(jobId)) throw new UserError(`A job named ${jobId} is already running: give each job its own id.`);
      this.running.set(jobId, abort);
    }
    try {
      return await task(abort.signal);
    } finally {
      if (jobId !== undefined) this.running.delete(jobId);
    }
  }

  /** Asks a running job to stop; true when there was one. */
  cancel(jobId: string): boolean {
    const job = this.running.get(jobId);
    job?.abort();
    return job !== undefined;
  }
}

