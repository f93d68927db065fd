// Opening an existing mask onto a case. It must lie on the case's grid: the same voxel centres
// (in any axis order, so a RAS-ordered NIfTI of an LPS series fits exactly), or, when only its
// header is wrong, the same size taken in file order if the caller says so. A mask on another
// grid is refused, never silently resampled. Its names come from the file (Slicer's segment
// fields, or the labels.json sidecar) through the I/O layer's readLabelmap. A DICOM SEG is laid onto
// the image through world coordinates (its frames need not cover every slice), its segments named.
import { basename } from 'node:path';
import type { CaseSummary, LoadMaskRequest, LoadedMask } from '../../shared/api';
import type { Geometry } from '../../shared/image';
import type { LabelDefinition } from '../../shared/manifest';
import { geometryDifference, sameGeometry, sameVoxelCentres } from '../../shared/geometry';
import { labelsForValues } from '../../shared/labels';
import { labelHistogram } from '../../shared/mask-algorithms';
import { Provenance } from '../../shared/provenance';
import { UserError } from '../../shared/errors';
import { readLabelmap } from '../io';
import { resampleLabelsNearest } from '../imaging/resample-labels';
import { binarisedIfJpeg } from '../masks/evaluate-files';
import { isDicomSeg, readDicomSegOnGrid } from '../dicom-seg/seg-read';
import type { CaseStore } from './case-store';
import type { OpenImages } from './case-opening';

/** The mask's labels on the image's grid, or why they cannot be had. */
function onGrid(mask: Geometry & { labels: Uint8Array }, image: Geometry, voxelOrder: boolean): Uint8Array | string {
  const sameSize = mask.size.every((n, i) => n === image.size[i]);
  if (sameGeometry(mask, image) || (voxelOrder && sameSize)) return mask.labels;
  if (sameVoxelCentres(mask, image)) return resampleLabelsNearest(mask.labels, mask, image);
  if (!sameSize) return `its grid is ${mask.size.join('×')} voxels and the image's ${image.size.join('×')}`;
  return `its header places it elsewhere than the image (spacing, origin or direction differ by up to ${geometryDifference(mask, image).toPrecision(3)}); ` +
    'if its voxels follow the image anyway (some datasets write wrong headers), open it in file order (voxelOrder; CLI: --voxel-order)';
}

function countsOf(labelmap: Uint8Array): Record<number, number> {
  const histogram = labelHistogram(labelmap);
  const counts: Record<number, number> = {};
  histogram.forEach((c, v) => { if (v > 0 && c > 0) counts[v] = c; });
  return counts;
}

async function readMask(path: string, image: Geometry, known: readonly LabelDefinition[]) {
  if (!isDicomSeg(path)) return readLabelmap(path);
  const seg = await readDicomSegOnGrid(path, image, known);
  return { ...seg.grid, labels: seg.labelmap, segments: seg.labels, warnings: [] as string[] };
}

export async function loadCaseMask(cases: CaseStore, images: OpenImages, request: LoadMaskRequest): Promise<LoadedMask> {
  const record = await cases.get(request.caseId);
  const image = await images.get(request.caseId);
  const mask = await readMask(request.mask, image, record.labels);
  const labels = onGrid({ ...mask, labels: Uint8Array.from(binarisedIfJpeg(request.mask, mask.labels)) }, image, request.voxelOrder === true);
  if (typeof labels === 'string') throw new UserError(`Cannot open ${basename(request.mask)} onto ${record.name}: ${labels}.`);
  // A binary mask saved 0/255 (a PNG) without names is label 1.
  let counts = countsOf(labels);
  if (mask.segments.length === 0 && Object.keys(counts).join() === '255') {
    labels.forEach((v, n) => { labels[n] = v ? 1 : 0; });
    counts = { 1: counts[255] };
  }
  const warnings = [...mask.warnings];
  if (Object.keys(counts).length === 0) warnings.push(`${basename(request.mask)} is empty: it labels no voxel.`);
  const named = labelsForValues(Object.keys(counts).map(Number), mask.segments);
  let saved: CaseSummary | null = null;
  if (request.save) {
    // Nobody's proposal: every labelled voxel of an opened mask counts as drawn by a human.
    const provenance = labels.map((v) => (v ? Provenance.Human : Provenance.None));
    saved = await cases.save({ caseId: record.id, labelmap: labels, provenance, labels: named.length ? named : record.labels, proposedBy: null });
  }
  return { labelmap: labels, labels: named, counts, warnings, saved };
}
