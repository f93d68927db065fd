// Opening an existing mask onto a case. It must lie on the case's grid: the same voxel centres
// (in any axis order, so a RAS-ordered NIfTI of an LPS series fits exactly), or, when only its
// header is wrong, the same size taken in file order if the caller says so. A mask on another
// grid is refused, never silently resampled. Its label names come from its sidecar.
import { basename } from 'node:path';
import type { CaseSummary, LoadMaskRequest, LoadedMask } from '../../shared/api';
import type { Geometry } from '../../shared/image';
import { geometryDifference, sameGeometry, sameVoxelCentres } from '../../shared/geometry';
import { labelsForValues } from '../../shared/labels';
import { Provenance } from '../../shared/provenance';
import { UserError } from '../../shared/errors';
import { resampleLabelsNearest } from '../imaging/resample-labels';
import { binarisedIfJpeg, readMask } from '../masks/evaluate-files';
import type { CaseStore } from './case-store';
import type { OpenImages } from './case-opening';
import { readLabelSidecar } from './label-sidecar';

/** The mask's values on the image's grid, or why they cannot be had. */
function onGrid(mask: Geometry & { data: ArrayLike<number> }, image: Geometry, voxelOrder: boolean): ArrayLike<number> | string {
  const sameSize = mask.size.every((n, i) => n === image.size[i]);
  if (sameGeometry(mask, image) || (voxelOrder && sameSize)) return mask.data;
  if (sameVoxelCentres(mask, image)) return resampleLabelsNearest(mask.data, mask, image);
  if (!sameSize) return `its grid is ${mask.size.join('×')} voxels and the image's ${image.size.join('×')}`;
  return `its header places it elsewhere than the image (spacing, origin or direction differ by up to ${geometryDifference(mask, image).toPrecision(3)}); ` +
    'if its voxels follow the image anyway (some datasets write wrong headers), open it in file order (voxelOrder; CLI: --voxel-order)';
}

/** Whole label values 0–255, one byte per voxel; a binary 0/255 mask (a PNG) becomes label 1. */
function asLabelmap(values: ArrayLike<number>, named: boolean): Uint8Array | string {
  const labelmap = new Uint8Array(values.length);
  const seen = new Set<number>();
  for (let n = 0; n < values.length; n++) {
    const v = values[n];
    if (!Number.isInteger(v) || v < 0 || v > 255) return `voxel ${n} holds ${v}, and label values are whole numbers 0–255`;
    labelmap[n] = v;
    seen.add(v);
  }
  if (!named && seen.size === 2 && seen.has(0) && seen.has(255)) labelmap.forEach((v, n) => { labelmap[n] = v ? 1 : 0; });
  return labelmap;
}

export async function loadCaseMask(cases: CaseStore, images: OpenImages, request: LoadMaskRequest): Promise<LoadedMask> {
  const record = await cases.get(request.caseId);
  const image = await images.get(request.caseId);
  const mask = await readMask(request.mask);
  const refuse = (why: string) => new UserError(`Cannot open ${basename(request.mask)} onto ${record.name}: ${why}.`);
  const values = onGrid({ ...mask, data: binarisedIfJpeg(request.mask, mask.data) }, image, request.voxelOrder === true);
  if (typeof values === 'string') throw refuse(values);
  const warnings: string[] = [];
  const sidecar = await readLabelSidecar(request.mask);
  if (sidecar && 'problem' in sidecar) warnings.push(`The label names beside the mask cannot be used (${sidecar.problem}); default names are given.`);
  const named = sidecar && 'labels' in sidecar ? sidecar.labels : [];
  const labelmap = asLabelmap(values, named.length > 0);
  if (typeof labelmap === 'string') throw refuse(labelmap);

  const histogram = new Float64Array(256);
  for (const v of labelmap) histogram[v]++;
  const counts: Record<number, number> = {};
  histogram.forEach((c, v) => { if (v > 0 && c > 0) counts[v] = c; });
  if (Object.keys(counts).length === 0) warnings.push(`${basename(request.mask)} is empty: it labels no voxel.`);
  const labels = labelsForValues(Object.keys(counts).map(Number), named);
  let saved: CaseSummary | null = null;
  if (request.save) {
    // Nobody's proposal: every labelled voxel of an opened mask counts as drawn by a human.
    const provenance = labelmap.map((v) => (v ? Provenance.Human : Provenance.None));
    saved = await cases.save({ caseId: record.id, labelmap, provenance, labels: labels.length ? labels : record.labels, proposedBy: null });
  }
  return { labelmap, labels, counts, warnings, saved };
}
