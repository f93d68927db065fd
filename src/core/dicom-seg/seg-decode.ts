// Decodes a DICOM SEG with dcmqi (itk-wasm's readSegmentation, the reader 3D Slicer uses): a label
// image on the SEG's own grid plus its segments. Runs in the I/O worker: the WASM blocks its thread.
import { basename } from 'node:path';
import { realpathSync } from 'node:fs';
import { readSegmentationNode } from '@itk-wasm/dicom';
import { UserError } from '../../shared/errors';
import type { VolumeImage } from '../../shared/image';
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
  image: VolumeImage;
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

export async function decodeSegmentation(path: string): Promise<DecodedSegmentation> {
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
  return { image: fromItkImage(value.segImage, { photo: false, modality: 'SEG' }).image, segments };
}
