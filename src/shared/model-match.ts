// Which models suit an image: a model's manifest names its modality in words ("CT", "CT (8-bit
// windowed slices)", "endoscopy", "microscopy"), an image has a DICOM modality code or none (NIfTI,
// NRRD, photos). Both are reduced to a family. One home for the page (which offers the case's
// models first and asks before a run on another family) and the engine (which refuses such a run
// unless the request allows it), so the two never disagree.
import type { ModelSummary } from './api';
import { isPicture, type VolumeImage } from './image';
import { looksLikeHounsfield } from './hounsfield';

export type ModalityFamily = 'CT' | 'MR' | 'picture' | 'unknown';

const FAMILY_NAMES: Record<Exclude<ModalityFamily, 'unknown'>, string> = { CT: 'CT', MR: 'MR', picture: 'a 2D picture (photo, endoscopy, microscopy)' };

type MatchedModel = Pick<ModelSummary, 'manifest'>;
type MatchedImage = Pick<VolumeImage, 'size' | 'components' | 'modality' | 'data'>;

export function modelFamily(manifestModality: string): ModalityFamily {
  const m = manifestModality.trim().toLowerCase();
  if (/^ct\b/.test(m)) return 'CT';
  if (/^(mr|mri)\b|\bt[12]\b/.test(m)) return 'MR';
  if (/endoscop|microscop|photo|dermoscop|colonoscop|rgb|2d/.test(m)) return 'picture';
  return 'unknown';
}

/** The image's family: its DICOM modality when it has one; a volume of Hounsfield units is CT. */
export function imageFamily(image: MatchedImage): ModalityFamily {
  const code = image.modality.toUpperCase();
  if (code === 'CT') return 'CT';
  if (code === 'MR') return 'MR';
  if (isPicture(image) || ['ES', 'XC', 'SM', 'GM'].includes(code)) return 'picture';
  return looksLikeHounsfield(image.data) ? 'CT' : 'unknown';
}

/** Why running `model` on an image of family `has` needs a second thought, or null when it fits. */
export function familyMismatch(model: MatchedModel, has: ModalityFamily): string | null {
  const wants = modelFamily(model.manifest.modality);
  // Only what is known is a reason to ask: a NIfTI without Hounsfield units may still be CT data.
  if (wants === 'unknown' || has === 'unknown' || wants === has) return null;
  // A picture may be a slice saved as 8 bits (the lung models learnt from PNG slices): only a model
  // that windows Hounsfield units cannot take one.
  if (has === 'picture' && !model.manifest.preprocessing?.window) return null;
  return `${model.manifest.name} was trained on ${model.manifest.modality} images, and this image is ${FAMILY_NAMES[has]}. `
    + 'A model run on another kind of image labels the wrong tissue (a CT liver model paints muscle on MRI).';
}

export function modelMismatch(model: MatchedModel, image: MatchedImage): string | null {
  return familyMismatch(model, imageFamily(image));
}

/**
 * Models for the image's family first, then the rest. Among the first, those named for the plain
 * modality ("CT") come before variants ("CT (8-bit windowed slices)"), so a CT opens on a model
 * made for CT in Hounsfield units rather than on the first name in the alphabet.
 */
export function modelsFor<M extends MatchedModel>(models: readonly M[], family: ModalityFamily): { matching: M[]; others: M[] } {
  const plain = (m: M) => (m.manifest.modality.trim().toUpperCase() === family.toUpperCase() ? 0 : 1);
  const matching = models.filter((m) => family !== 'unknown' && modelFamily(m.manifest.modality) === family)
    .sort((a, b) => plain(a) - plain(b));
  return { matching, others: models.filter((m) => !matching.includes(m)) };
}
