// Writes a labelmap as a DICOM SEG over the series it was drawn on: segments from the labels present,
// each with the algorithm type its voxels' provenance says, written beside the target, read back
// and compared voxel for voxel before it takes the target's name.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DicomSegResult, SegmentAlgorithmType } from '../../shared/api';
import type { DicomSeriesMetadata } from '../../shared/dicom';
import type { Geometry } from '../../shared/image';
import type { LabelDefinition } from '../../shared/manifest';
import { Provenance } from '../../shared/provenance';
import { UserError } from '../../shared/errors';
import { appRoot } from '../paths';
import { encodePart10 } from './dicom-encoder';
import { segmentationDataSet, type SegmentSpec } from './seg-dataset';
import { sourceSeriesOf } from './source-series';
import { readDicomSegOnGrid } from './seg-read';

export interface DicomSegRequest {
  out: string;
  labelmap: Uint8Array;
  /** Who set each voxel (shared/provenance); null when every voxel came from `model`. */
  provenance: Uint8Array | null;
  /** The volume as read, with the DICOM metadata of its series. */
  image: Geometry & { dicom?: DicomSeriesMetadata };
  labels: readonly LabelDefinition[];
  /** The model that proposed the mask ("DRA-UNet liver (CT) 1.0.0"), or null. */
  model: string | null;
}

/** Whether a mask target names a DICOM SEG rather than an image file. */
export const isDicomSegTarget = (path: string) => /\.dcm$/i.test(path);

/**
 * AUTOMATIC when a model set every voxel, MANUAL when a person did (or the origin is unknown, as for
 * an imported mask), SEMIAUTOMATIC for a mix or any AI-interactive voxel.
 */
export function algorithmTypes(labelmap: Uint8Array, provenance: Uint8Array | null): Map<number, SegmentAlgorithmType> {
  const model = new Float64Array(256), person = new Float64Array(256), assisted = new Float64Array(256);
  for (let n = 0; n < labelmap.length; n++) {
    const label = labelmap[n];
    if (label === 0) continue;
    const p = provenance ? provenance[n] : Provenance.Model;
    if (p === Provenance.Model) model[label]++;
    else if (p === Provenance.Human || p === Provenance.None) person[label]++;
    else assisted[label]++;
  }
  const types = new Map<number, SegmentAlgorithmType>();
  for (let label = 1; label < 256; label++) {
    if (model[label] + person[label] + assisted[label] === 0) continue;
    types.set(label, assisted[label] > 0 || (model[label] > 0 && person[label] > 0) ? 'SEMIAUTOMATIC' : model[label] > 0 ? 'AUTOMATIC' : 'MANUAL');
  }
  return types;
}

function softwareVersion(): string {
  try {
    return String(JSON.parse(readFileSync(join(appRoot(), 'package.json'), 'utf8')).version);
  } catch {
    return 'unknown';
  }
}

export async function writeDicomSeg(request: DicomSegRequest): Promise<DicomSegResult> {
  const { out, labelmap, image: geometry, labels, model } = request;
  const source = sourceSeriesOf(geometry);
  const segments: SegmentSpec[] = [...algorithmTypes(labelmap, request.provenance)].map(([value, algorithmType]) => {
    const def = labels.find((l) => l.value === value);
    const algorithmName = algorithmType === 'MANUAL' ? null : algorithmType === 'AUTOMATIC' ? model ?? 'MedSeg Studio' : `${model ?? 'MedSeg Studio'} with manual edits`;
    return { value, name: def?.name ?? `label ${value}`, color: def?.color ?? '#808080', algorithmType, algorithmName };
  });
  if (segments.length === 0) throw new UserError('The mask is empty: a DICOM SEG needs at least one labelled voxel. Segment or draw first.');
  const dataSet = segmentationDataSet(labelmap, geometry, segments, source, {
    seriesDescription: model ? `Segmentation (${model})` : 'Segmentation', softwareVersion: softwareVersion(),
  });
  const temp = join(dirname(out), `.${basename(out)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp.dcm`);
  try {
    try {
      writeFileSync(temp, encodePart10(dataSet));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UserError(code === 'ENOSPC' ? `Cannot write ${out}: the disk is full.` : `Cannot write ${out}: ${code === 'ENOENT' ? 'the folder does not exist' : 'the folder is not writable'}.`);
    }
    // Read back with an independent decoder (dcmqi) and compare, as every export is checked.
    const back = await readDicomSegOnGrid(temp, geometry, labels);
    if (!Buffer.from(back.labelmap.buffer, back.labelmap.byteOffset, back.labelmap.byteLength).equals(labelmap)) {
      throw new UserError(`Writing ${basename(out)} failed its check: the DICOM SEG read back differs from the mask; nothing was saved.`);
    }
    renameSync(temp, out);
  } finally {
    rmSync(temp, { force: true });
  }
  return {
    out, frames: Number(dataSet.NumberOfFrames),
    segments: segments.map(({ value, name, algorithmType }) => ({ value, name, algorithmType })),
  };
}
