// Opening an image as a case: read it (files read / total as progress, cancellable), name it (a
// DICOM case after its patient, study and series), register it in the workspace, bring back its
// saved work, and keep the image at hand for the segmentations and exports that follow.
import { basename } from 'node:path';
import type { OpenCaseRequest, OpenedCase, StudioEvent } from '../../shared/api';
import { personNameForDisplay, type DicomSeriesMetadata } from '../../shared/dicom';
import type { ReadProgress } from '../../shared/image';
import { UserError } from '../../shared/errors';
import { listDicomSeries, readDicomSeries, readImage, type LoadedImage, type ReadOptions } from '../io';
import type { CancellableJobs } from '../cancellable-jobs';
import { summaryOf } from './case-record';
import type { CaseStore } from './case-store';

/** A case's image, read again from its source: the same series of a DICOM folder. */
const readSource = (source: string, seriesUid: string | undefined, options: ReadOptions = {}) =>
  (seriesUid ? readDicomSeries(source, seriesUid, options) : readImage(source, options));

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
    const record = await this.cases.get(caseId);
    const image = await readSource(record.source, record.seriesUid);
    this.put(caseId, image);
    return image;
  }
}

/** "DOE, JANE · CT abdomen · Portal venous 1.5 mm", or null when the headers name none of them. */
export function dicomCaseName(dicom: DicomSeriesMetadata | undefined): string | null {
  if (!dicom) return null;
  const series = dicom.seriesDescription?.trim() || (dicom.seriesNumber !== undefined ? `series ${dicom.seriesNumber}` : '');
  const parts = [personNameForDisplay(dicom.patientName) ?? dicom.patientId, dicom.studyDescription?.trim(), series].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : null;
}

const PHASES: Record<ReadProgress['phase'], string> = { scanning: 'Reading the headers of', decoding: 'Decoding' };

export interface CaseOpeningContext {
  cases: CaseStore;
  images: OpenImages;
  jobs: CancellableJobs;
  emit: (event: StudioEvent) => void;
}

export async function openCase({ cases, images, jobs, emit }: CaseOpeningContext, { path, seriesUid, jobId }: OpenCaseRequest): Promise<OpenedCase> {
  const file = basename(path);
  return jobs.run(jobId, async (signal) => {
    const onProgress = ({ phase, done, total }: ReadProgress) =>
      jobId && emit({ kind: 'progress', jobId, done, total, message: `${PHASES[phase]} ${file}: ${done} / ${total} files` });
    let image: LoadedImage;
    try {
      image = await readSource(path, seriesUid, { signal, onProgress });
    } catch (e) {
      if (signal.aborted) throw new UserError(`Opening ${file} was cancelled.`);
      throw e;
    }
    const { record, work, warnings, readOnly } = await cases.open(path, image, {
      name: dicomCaseName(image.dicom) ?? file, seriesUid: image.dicom?.seriesInstanceUid,
      ...(seriesUid !== undefined ? { defaultSeries: async () => (await listDicomSeries(path))[0]?.seriesInstanceUid } : {}),
    });
    images.put(record.id, image);
    const { warnings: readWarnings, dicom: _dicom, ...plainImage } = image;
    return {
      summary: summaryOf(record), image: plainImage, labelmap: work?.labelmap ?? null, provenance: work?.provenance ?? null,
      labels: record.labels, warnings: [...readWarnings, ...warnings], ...(readOnly ? { readOnly } : {}),
    };
  });
}
