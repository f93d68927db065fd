// `medseg stats`: a mask file's per-label statistics, with the intensities of its image when given.
import type { MaskStatistics, MaskStatisticsRequest } from '../../shared/api';
import type { Geometry } from '../../shared/image';
import type { LabelDefinition } from '../../shared/manifest';
import { segmentStatistics } from '../../shared/segment-statistics';
import { imageInfo } from '../../shared/image';
import { readFormatOf, readImage, readLabelmap } from '../io';
import { labelsOnGrid } from '../imaging/resample-labels';
import { readMaskOnGrid } from '../masks/evaluate-files';
import { isDicomSeg, readDicomSegOnGrid } from '../dicom-seg/seg-read';

/** Formats that hold exact labels (and may name them: seg.nrrd fields, a JSON sidecar); photos' masks go through readMaskOnGrid. */
const LABEL_FORMATS = new Set(['nifti', 'nrrd', 'meta']);

/** The mask on `grid` (its own grid when null) with the label names it carries. */
async function readLabelledMask(path: string, grid: Geometry | null): Promise<{ labels: Uint8Array; definitions: LabelDefinition[]; grid: Geometry }> {
  if (isDicomSeg(path)) {
    const { labelmap, labels, grid: own } = await readDicomSegOnGrid(path, grid);
    return { labels: labelmap, definitions: labels, grid: own };
  }
  if (LABEL_FORMATS.has(readFormatOf(path)?.format ?? '')) {
    const mask = await readLabelmap(path);
    const target = grid ?? mask;
    const onGrid = labelsOnGrid({ ...mask, components: 1, pixelType: 'uint8', data: mask.labels, modality: 'SEG' }, target);
    return { labels: onGrid instanceof Uint8Array ? onGrid : Uint8Array.from(onGrid), definitions: mask.segments, grid: target };
  }
  // Without an image, the mask's own grid (read once for it, once onto it: photos' masks are small).
  const own = grid ?? imageInfo(await readImage(path));
  return { labels: await readMaskOnGrid(path, own), definitions: [], grid: own };
}

export async function maskStatistics({ mask, input }: MaskStatisticsRequest): Promise<MaskStatistics> {
  const image = input ? await readImage(input) : null;
  const { labels, definitions, grid } = await readLabelledMask(mask, image);
  return {
    labels: segmentStatistics({ labels, geometry: grid, image, definitions }),
    intensityUnit: image?.modality === 'CT' ? 'HU' : null,
  };
}
