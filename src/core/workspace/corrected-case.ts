// A corrected case made from files (`medseg cases add`): the mask becomes the labelmap and the
// provenance says, voxel by voxel, whether the mask kept what the model proposed or a human changed it.
import type { AddCaseRequest, CaseSummary } from '../../shared/api';
import { Provenance } from '../../shared/provenance';
import { readImage } from '../io';
import { segmentVolume } from '../inference';
import { readMaskOnGrid } from '../masks/evaluate-files';
import { formatModelRef } from '../../shared/model-ref';
import { findModel } from '../training/model-registry';
import type { ModelFolders } from '../training/model-folders';
import { checkFits, withModel } from '../segment-requests';
import { dicomCaseName, type OpenImages } from './case-opening';
import { DEFAULT_LABELS, type CaseStore } from './case-store';

/**
 * A binary mask (one non-zero value, e.g. 255 in a PNG) becomes `label`; a mask with several
 * values keeps them, as a multi-label labelmap.
 */
function maskAsLabels(mask: Uint8Array, label: number): Uint8Array {
  let value = 0;
  for (const v of mask) {
    if (v === 0 || v === value) continue;
    if (value !== 0) return mask;
    value = v;
  }
  return value === 0 || value === label ? mask : mask.map((v) => (v === 0 ? 0 : label));
}

/**
 * Provenance of a corrected labelmap: where it equals the model's proposal the voxel is the
 * model's (or nobody's, when both are background), where it differs a human set it. Without a
 * proposal every labelled voxel was drawn by a human.
 */
function correctedProvenance(labels: Uint8Array, proposal: Uint8Array | null): Uint8Array {
  const provenance = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const proposed = proposal ? proposal[i] : 0;
    if (labels[i] !== proposed) provenance[i] = Provenance.Human;
    else if (labels[i] !== 0) provenance[i] = proposal ? Provenance.Model : Provenance.Human;
  }
  return provenance;
}

/** `medseg cases add`: an image and its corrected mask become a reviewed case, as if edited in the app. */
export async function addCorrectedCase(cases: CaseStore, images: OpenImages, folders: ModelFolders, request: AddCaseRequest): Promise<CaseSummary> {
  const image = await readImage(request.input);
  const summary = request.model ? await findModel(folders, request.model) : null;
  if (summary) await checkFits(folders, summary, image, request.allowOtherModality);
  const labels = summary?.manifest.output.labels ?? DEFAULT_LABELS;
  const labelmap = maskAsLabels(await readMaskOnGrid(request.mask, image), labels[0].value);
  const proposal = summary
    ? await withModel(summary, request.device ?? 'auto', async (model) => (await segmentVolume(model, image)).labelmap)
    : null;
  const { record } = await cases.open(request.input, image, { name: dicomCaseName(image.dicom) ?? undefined, seriesUid: image.dicom?.seriesInstanceUid });
  images.put(record.id, image);
  await cases.save({ caseId: record.id, labelmap, provenance: correctedProvenance(labelmap, proposal), labels,
    proposedBy: summary ? formatModelRef(summary.id, summary.manifest.version) : null });
  return cases.review(record.id, request.reviewed ?? true, request.split);
}
