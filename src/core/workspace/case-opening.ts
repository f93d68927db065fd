// Opening an image as a case: read it (with progress and cancel), register it in the workspace,
// bring back its saved work, and keep the image at hand for the segmentations and exports that follow.
import { basename } from 'node:path';
import type { OpenCaseRequest, OpenedCase, StudioEvent } from '../../shared/api';
import { readImage, type LoadedImage } from '../io';
import { unlessCancelled, type CancellableJobs } from '../cancellable-jobs';
import { summaryOf } from './case-record';
import type { CaseStore } from './case-store';

/** Keeps the last few opened images so segmenting or exporting a case does not read it again. */
export class OpenImages {
  private readonly images = new Map<string, LoadedImage>();

  constructor(private readonly cases: CaseStore, private readonly capacity = 2) {}

  put(id: string, image: LoadedImage): void {
    this.images.delete(id);
    this.images.set(id, image);
    while (this.images.size > this.capacity) this.images.delete(this.images.keys().next().value!);
  }

  /** The case's image: from memory, or read again from its source. */
  async get(caseId: string): Promise<LoadedImage> {
    const cached = this.images.get(caseId);
    if (cached) return cached;
    const image = await readImage((await this.cases.get(caseId)).source);
    this.put(caseId, image);
    return image;
  }
}

export interface CaseOpeningContext {
  cases: CaseStore;
  images: OpenImages;
  jobs: CancellableJobs;
  emit: (event: StudioEvent) => void;
}

export async function openCase({ cases, images, jobs, emit }: CaseOpeningContext, { path, jobId }: OpenCaseRequest): Promise<OpenedCase> {
  const name = basename(path);
  const progress = (done: number, total: number, message: string) => jobId && emit({ kind: 'progress', jobId, done, total, message });
  return jobs.run(jobId, async (signal) => {
    progress(0, 2, `Reading ${name}`);
    const image = await unlessCancelled(readImage(path), signal, `Opening ${name} was cancelled.`);
    progress(1, 2, `Restoring the saved work of ${name}`);
    const { record, work, warnings, readOnly } = await cases.open(path, image);
    images.put(record.id, image);
    progress(2, 2, `Opened ${name}`);
    const { warnings: readWarnings, ...plainImage } = image;
    return {
      summary: summaryOf(record), image: plainImage, labelmap: work?.labelmap ?? null, provenance: work?.provenance ?? null,
      labels: record.labels, warnings: [...readWarnings, ...warnings], ...(readOnly ? { readOnly } : {}),
    };
  });
}
