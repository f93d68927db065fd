// `medseg stats`: a mask file's per-label statistics, with the intensities of its image when given.
import type { MaskStatistics, MaskStatisticsRequest } from '../../shared/api';
import type { Geometry } from '../../shared/image';
import type { LabelDefinition } from '../../shared/manifest';
import { segmentStatistics } from '../../shared/segment-statistics';
import { imageInfo } from '../../shared/image';
import { readImage } from '../io';
import { readMaskOnGrid } from '../masks/evaluate-files';
import { isDicomSeg, readDicomSegOnGrid } from '../dicom-seg/seg-read';

/** The mask on `grid` (its own grid when null) with the label names it carries (a DICOM SEG's segments). */
async function readLabelledMask(path: string, grid: Geometry | null): Promise<{ labels: Uint8Array; definitions: LabelDefinition[]; grid: Geometry }> {
  if (isDicomSeg(path)) {
    const { labelmap, labels, grid: own } = await readDicomSegOnGrid(path, grid);
    return { labels: labelmap, definitions: labels, grid: own };
  }
  // Without an image, the mask's own grid (read once for it, once onto it: masks are small).
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
