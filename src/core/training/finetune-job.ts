// Fine-tune jobs: the Python trainer as a child process, fed the reviewed cases, reporting JSON
// lines that become 'finetune' events. A job touches nothing the user has until it succeeds: it
// reads the workspace, trains in a temporary folder, exports into a reserved version folder that
// is invisible until its record is written, and only then may the regression gate move "current".
// Cancelled, crashed or killed jobs remove their reservation and leave everything as it was.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FinetuneJob, FinetuneRequest, StudioEvent, VersionRecord } from '../../shared/api';
import type { ModelManifest } from '../../shared/manifest';
import { UserError } from '../../shared/errors';
import { formatModelRef, parseModelRef } from '../../shared/model-ref';
import type { CaseStore } from '../workspace/case-store';
import { writeFinetuneDataset, HUMAN_EDITED_SLICE_WEIGHT } from './finetune-dataset';
import { findLineage, findModel } from './model-registry';
import type { ModelFolders } from './model-folders';
import { currentVersionName, discardReservation, publishVersion, reserveVersion, setCurrentVersion, type RootModel } from './model-versions';
import { findPythonRuntime, TRAINING_RUNTIME_HINT, type PythonRuntime } from './python-runtime';
import { parseTrainerEvent, TrainerProtocolError, type TrainerDone, type TrainerEvent } from './trainer-events';

const DEFAULT_FINETUNE_EPOCHS = 10;
/** A fine-tune starts from trained weights: a smaller step than training from scratch (1e-3). */
const DEFAULT_FINETUNE_LR = 3e-4;
/** After a cancel, how long the trainer gets to stop cleanly before it is killed. */
const CANCEL_GRACE_MS = 20_000;

export interface FinetuneJobsOptions {
  folders: ModelFolders;
  cases: CaseStore;
  emit: (event: StudioEvent) => void;
  /** Where the Python training runtime is (default: found on this machine); null: not installed. */
  python?: () => PythonRuntime | null;
}

interface RunningJob {
  job: FinetuneJob;
  child: ChildProcess;
  cancelRequested: boolean;
}

const fmt = (x: number) => x.toFixed(4);

/** The new version's manifest: the parent's, renamed, with its lineage; the trainer adds its metrics. */
function versionManifest(parent: ModelManifest, version: string, parentRef: string, trainCases: string[], heldOutCases: string[], editedSlices: number) {
  const { metrics: _m, parentMetrics: _p, training: _t, ...rest } = parent;
  return {
    ...rest, version, parent: parentRef,
    training: {
      data: `${trainCases.length} reviewed workspace case(s), ${editedSlices} slice(s) with corrections (hand edits or AI clicks) weighted ×${HUMAN_EDITED_SLICE_WEIGHT}; ` +
        `validated on ${heldOutCases.length} held-out case(s)`,
      fineTunedFrom: parentRef, trainCases, heldOutCases,
    },
  };
}

export class FinetuneJobs {
  private readonly jobs = new Map<string, RunningJob | { job: FinetuneJob }>();

  constructor(private readonly options: FinetuneJobsOptions) {}

  list(): FinetuneJob[] {
    return [...this.jobs.values()].map((j) => j.job).reverse();
  }

  /** Asks a running job to stop; true when there was one. */
  cancel(jobId: string): boolean {
    const running = this.jobs.get(jobId);
    if (!running || !('child' in running) || running.job.state !== 'running') return false;
    running.cancelRequested = true;
    running.job.message = 'Cancelling…';
    this.publish(running.job);
    running.child.kill('SIGTERM');
    setTimeout(() => running.job.state === 'running' && running.child.kill('SIGKILL'), CANCEL_GRACE_MS).unref();
    return true;
  }

  async start(request: FinetuneRequest): Promise<FinetuneJob> {
    const python = (this.options.python ?? findPythonRuntime)();
    if (!python) throw new UserError(`Fine-tuning needs ${TRAINING_RUNTIME_HINT}.`);
    const { folders } = this.options;
    const parent = await findModel(folders, request.model);
    const parentRef = formatModelRef(parent.id, parent.manifest.version);
    if (parent.manifest.interaction) {
      throw new UserError(`${parent.manifest.name} is a click-guided model, trained by its own trainer; fine-tune an auto-segmentation model ` +
        '(corrections made with AI clicks count for it like hand edits).');
    }
    if (!parent.weights) {
      throw new UserError(`${parent.manifest.name} (${parentRef}) has no PyTorch weights (.pt beside its .onnx), so it cannot be fine-tuned; ` +
        'export it with medseg_training.export --weights-out.');
    }
    const epochs = request.epochs ?? DEFAULT_FINETUNE_EPOCHS;
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > 1000) throw new UserError('Epochs must be a whole number from 1 to 1000.');
    const lr = request.learningRate ?? DEFAULT_FINETUNE_LR;
    if (!(lr > 0 && lr < 1)) throw new UserError('The learning rate must be between 0 and 1 (e.g. 0.0003).');
    const jobId = request.jobId ?? randomUUID();
    if (this.jobs.has(jobId)) throw new UserError(`A job ${jobId} exists already.`);

    const work = await mkdtemp(join(tmpdir(), 'medseg-finetune-'));
    let reservation: { version: string; dir: string } | null = null;
    try {
      const dataset = await writeFinetuneDataset(join(work, 'data'), this.options.cases, parent.manifest);
      const { root } = await findLineage(folders, parent.id);
      reservation = await reserveVersion(folders, root);
      const manifestFile = join(work, 'manifest.json');
      await writeFile(manifestFile, JSON.stringify(versionManifest(parent.manifest, reservation.version, parentRef,
        dataset.trainCases, dataset.heldOutCases, dataset.editedSlices)));
      const threads = Math.max(1, availableParallelism() - 1); // one core stays with the app
      const child = spawn(python.python, ['-m', 'medseg_training.train', '--dataset', dataset.file, '--init-checkpoint', parent.weights,
        '--epochs', String(epochs), '--batch-size', '4', '--lr', String(lr), ...(request.freezeBatchnorm ? ['--freeze-batchnorm'] : []), '--device', request.device ?? 'auto',
        '--threads', String(threads), '--log-every', '5', '--out-dir', join(work, 'run'),
        // The last epoch, not the best one: choosing by the held-out cases would flatter the gate that judges on them.
        '--export-from', 'last', '--export-onnx', join(reservation.dir, 'model.onnx'), '--export-weights', join(reservation.dir, 'model.pt'),
        '--manifest-json', manifestFile], { env: python.env, stdio: ['ignore', 'pipe', 'pipe'] });
      const job: FinetuneJob = {
        jobId, model: parent.id, parent: parentRef, state: 'running', message: 'Loading the reviewed cases…',
        startedAt: new Date().toISOString(), endedAt: null, trainCases: dataset.trainCases.length, heldOutCases: dataset.heldOutCases.length,
        epochs, baseline: null, history: [], progress: null, result: null,
      };
      const running: RunningJob = { job, child, cancelRequested: false };
      this.jobs.set(jobId, running);
      if (child.pid) {
        try { setPriority(child.pid, 10); } catch { /* not permitted here: run at normal priority */ }
      }
      this.follow(running, root, reservation, dataset, work);
      this.publish(job);
      return job;
    } catch (e) {
      if (reservation) await discardReservation(reservation.dir);
      await rm(work, { recursive: true, force: true });
      throw e;
    }
  }

  private publish(job: FinetuneJob): void {
    this.options.emit({ kind: 'finetune', job: structuredClone(job) });
  }

  /** Reads the trainer's JSON lines into the job; settles it when the process ends. */
  private follow(running: RunningJob, root: RootModel, reservation: { version: string; dir: string },
    dataset: { trainCases: string[]; heldOutCases: string[] }, work: string): void {
    const { job, child } = running;
    let done: TrainerDone | null = null;
    let trainerError: string | null = null;
    const stderrTail: string[] = [];

    createInterface({ input: child.stdout! }).on('line', (line) => {
      let event: TrainerEvent | null;
      try {
        event = parseTrainerEvent(line);
      } catch (e) {
        if (!(e instanceof TrainerProtocolError)) throw e;
        trainerError = `the trainer spoke another protocol (${e.message}); is training/ from this version of the app?`;
        return;
      }
      if (!event) return;
      switch (event.event) {
        case 'start':
          job.message = `Measuring ${job.parent} on ${job.heldOutCases} held-out case(s)…`;
          break;
        case 'baseline':
          job.baseline = event.valMetrics;
          job.message = `Training on ${job.trainCases} case(s)…`;
          break;
        case 'progress':
          job.history.push({ epoch: event.epoch, step: event.step, loss: event.loss, valDice: event.valDice ?? null });
          job.progress = { epoch: event.epoch, step: event.step, totalSteps: event.totalSteps, etaSeconds: event.etaSeconds ?? null };
          job.message = `Epoch ${event.epoch} of ${event.epochs}`;
          break;
        case 'done':
          done = event;
          break;
        case 'error':
          trainerError = event.message;
          break;
        case 'checkpoint':
          return;
      }
      if (job.state === 'running' && !running.cancelRequested) this.publish(job);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderrTail.push(...chunk.toString().split('\n').filter((l) => l.trim()));
      stderrTail.splice(0, Math.max(0, stderrTail.length - 5));
    });

    // A trainer must not outlive the app that would record its result.
    const stopWithApp = () => child.kill('SIGKILL');
    process.once('exit', stopWithApp);
    let settled = false;
    const settle = async (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      if (settled) return;
      settled = true;
      process.off('exit', stopWithApp);
      try {
        const finished = done as TrainerDone | null;
        if (finished && code === 0 && finished.stopReason !== 'cancelled' && finished.onnx && finished.exportedValMetrics) {
          await this.finish(job, root, reservation, finished, dataset);
        } else {
          await discardReservation(reservation.dir);
          if (running.cancelRequested || finished?.stopReason === 'cancelled') {
            job.state = 'cancelled';
            job.message = `Cancelled; nothing was changed (${job.parent} stays as it was).`;
          } else {
            job.state = 'failed';
            const why = spawnError ? `the trainer could not start (${spawnError.message})`
              : trainerError ?? (signal ? `the trainer was stopped by ${signal}` : `the trainer exited with code ${code}`);
            const detail = !trainerError && stderrTail.length ? `: ${stderrTail.at(-1)}` : '';
            job.message = `Fine-tuning failed: ${why}${detail}. Nothing was changed (${job.parent} stays as it was).`;
          }
        }
      } catch (e) {
        await discardReservation(reservation.dir).catch(() => {});
        job.state = 'failed';
        job.message = `Fine-tuning failed while saving the new version: ${(e as Error).message}. Nothing was changed.`;
      } finally {
        job.endedAt = new Date().toISOString();
        this.jobs.set(job.jobId, { job });
        await rm(work, { recursive: true, force: true }).catch(() => {});
        this.publish(job);
      }
    };
    child.on('error', (e) => void settle(null, null, e));
    child.on('close', (code, signal) => void settle(code, signal));
  }

  /** Records the new version, then lets the regression gate decide whether it becomes current. */
  private async finish(job: FinetuneJob, root: RootModel, reservation: { version: string; dir: string }, done: TrainerDone,
    dataset: { trainCases: string[]; heldOutCases: string[] }): Promise<void> {
    const metrics = done.exportedValMetrics!;
    const parentMetrics = done.parentValMetrics ?? job.baseline!;
    const ref = formatModelRef(root.id, reservation.version);
    const parentVersion = parseModelRef(job.parent).version;
    const cases = `the same ${dataset.heldOutCases.length} held-out case(s)`;
    let gate: VersionRecord['gate'];
    if (metrics.dice < parentMetrics.dice) {
      gate = { promoted: false, reason: `Validation Dice ${fmt(metrics.dice)} is lower than ${job.parent}'s ${fmt(parentMetrics.dice)} on ${cases}: ` +
        `${ref} is kept but not made current.` };
    } else if ((await currentVersionName(this.options.folders, root)) !== parentVersion) {
      gate = { promoted: false, reason: `Another version became current while this job ran: ${ref} is kept but not made current.` };
    } else {
      gate = { promoted: true, reason: `Validation Dice ${fmt(metrics.dice)} ≥ ${job.parent}'s ${fmt(parentMetrics.dice)} on ${cases}: ${ref} is now current.` };
    }
    await publishVersion(reservation.dir, {
      parent: job.parent, createdAt: new Date().toISOString(), metrics, parentMetrics,
      trainCases: dataset.trainCases, heldOutCases: dataset.heldOutCases, epochs: done.epochs, seconds: done.seconds,
      gate, history: job.history,
    });
    if (gate.promoted) await setCurrentVersion(this.options.folders, root, reservation.version);
    job.state = 'done';
    job.message = gate.reason;
    job.result = { version: reservation.version, ref, promoted: gate.promoted, reason: gate.reason, metrics, parentMetrics };
  }
}
