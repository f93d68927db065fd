// `medseg stats`: a mask file's per-label statistics, with the intensities of its image when given.
import type { MaskStatistics, MaskStatisticsRequest } from '../../shared/api';
import { segmentStatistics } from '../../shared/segment-statistics';
import { readImage, readImageInfo } from '../io';
import { readMaskOnGrid } from '../masks/evaluate-files';

export async function maskStatistics({ mask, input }: MaskStatisticsRequest): Promise<MaskStatistics> {
  const image = input ? await readImage(input) : null;
  // Without an image the mask's own grid is the one measured on.
  const grid = image ?? (await readImageInfo(mask));
  const labels = await readMaskOnGrid(mask, grid);
  return {
    labels: segmentStatistics({ labels, geometry: grid, image }),
    intensityUnit: image?.modality === 'CT' ? 'HU' : null,
  };
}
