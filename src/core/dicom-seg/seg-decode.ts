// Decodes a DICOM SEG with dcmqi (itk-wasm's readSegmentation, the reader 3D Slicer uses): a label
// image laid onto a grid, plus its segments. Runs in the I/O worker: the WASM blocks its thread.
import { basename } from 'node:path';
import { realpathSync } from 'node:fs';
import { readSegmentationNode } from '@itk-wasm/dicom';
import { UserError } from '../../shared/errors';
import { imageInfo, type Geometry } from '../../shared/image';
import { labelsOnGrid } from '../imaging/resample-labels';
import { fromItkImage } from '../io/itk-image';
import { quietly, reasonFrom } from '../io/itk-calls';

export interface DecodedSegment {
  /** The segment's value in `image` (its Segment Number). */
  number: number;
  name: string;
  color: string;
  algorithmType: string;
}

export interface DecodedSegmentation {
  /** Segment numbers per voxel of `grid`. */
  labels: Uint8Array;
  grid: Geometry;
  segments: DecodedSegment[];
}

interface SegmentAttributes {
  labelID: number;
  SegmentLabel?: string;
  SegmentDescription?: string;
  SegmentAlgorithmType?: string;
  recommendedDisplayRGBValue?: number[];
}

const hex = (rgb: number[] | undefined) => (rgb && rgb.length === 3 ? `#${rgb.map((c) => Math.max(0, Math.min(255, Math.round(c))).toString(16).padStart(2, '0')).join('')}` : '#808080');

/** The SEG's segment numbers on `grid` (laid on through world coordinates), or on its own grid when null. */
export async function decodeSegmentation(path: string, grid: Geometry | null): Promise<DecodedSegmentation> {
  const { value, error, log } = await quietly(() => readSegmentationNode(realpathSync(path)));
  if (error || !value?.segImage) {
    const reason = reasonFrom(log, error);
    throw new UserError(`Cannot read the DICOM SEG ${basename(path)}${reason ? ` (${reason})` : ''}. It may be damaged or use an encoding dcmqi does not read (e.g. RLE).`);
  }
  const groups = (value.metaInfo as { segmentAttributes?: SegmentAttributes[][] }).segmentAttributes ?? [];
  const segments = groups.flat().map((a) => ({
    number: a.labelID, name: a.SegmentLabel || a.SegmentDescription || `segment ${a.labelID}`,
    color: hex(a.recommendedDisplayRGBValue), algorithmType: a.SegmentAlgorithmType ?? '',
  }));
  if (segments.some((seg) => seg.number > 255)) throw new UserError(`The DICOM SEG ${basename(path)} has more than 255 segments; MedSeg Studio holds up to 255 labels.`);
  const image = fromItkImage(value.segImage, { photo: false, modality: 'SEG' }).image;
  const target = grid ?? imageInfo(image);
  // Resampled here, in the worker: for a 512×512×119 series this is a pass over 31 M voxels.
  return { labels: new Uint8Array(labelsOnGrid(image, target)), grid: target, segments };
}
