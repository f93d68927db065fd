// Which models suit the open image: a model's manifest names its modality in words ("CT", "CT (8-bit
// windowed slices)", "endoscopy", "microscopy"), an image has a DICOM modality code or none (NIfTI,
// NRRD, photos). Both are reduced to a family, so the model list offers the case's models first and
// a run on another family is asked about, with the reason in words.
import type { ModelSummary } from '../../shared/api';
import type { VolumeImage } from '../../shared/image';
import { isPicture } from './anatomical-view';
import { looksLikeHounsfield } from './display-window';

export type ModalityFamily = 'CT' | 'MR' | 'picture' | 'unknown';

const FAMILY_NAMES: Record<Exclude<ModalityFamily, 'unknown'>, string> = { CT: 'CT', MR: 'MR', picture: 'a 2D picture (photo, endoscopy, microscopy)' };

export function modelFamily(manifestModality: string): ModalityFamily {
  const m = manifestModality.trim().toLowerCase();
  if (/^ct\b/.test(m)) return 'CT';
  if (/^(mr|mri)\b|\bt[12]\b/.test(m)) return 'MR';
  if (/endoscop|microscop|photo|dermoscop|colonoscop|rgb|2d/.test(m)) return 'picture';
  return 'unknown';
}

/** The image's family: its DICOM modality when it has one; a volume of Hounsfield units is CT. */
export function imageFamily(image: Pick<VolumeImage, 'size' | 'components' | 'modality' | 'data'>): ModalityFamily {
  const code = image.modality.toUpperCase();
  if (code === 'CT') return 'CT';
  if (code === 'MR') return 'MR';
  if (isPicture(image) || ['ES', 'XC', 'SM', 'GM'].includes(code)) return 'picture';
  return looksLikeHounsfield(image.data) ? 'CT' : 'unknown';
}

/** Why running `model` on the image needs a second thought, or null when it fits. */
export function modelMismatch(model: Pick<ModelSummary, 'manifest'>, image: Pick<VolumeImage, 'size' | 'components' | 'modality' | 'data'>): string | null {
  const wants = modelFamily(model.manifest.modality), has = imageFamily(image);
  // Only what is known is a reason to ask: a NIfTI without Hounsfield units may still be CT data.
  if (wants === 'unknown' || has === 'unknown' || wants === has) return null;
  return `${model.manifest.name} was trained on ${model.manifest.modality} images, and this image is ${FAMILY_NAMES[has]}. `
    + 'A model run on another kind of image labels the wrong tissue (a CT liver model paints muscle on MRI).';
}

/**
 * Models for the image's family first, then the rest. Among the first, those named for the plain
 * modality ("CT") come before variants ("CT (8-bit windowed slices)"), so a CT opens on a model
 * made for CT in Hounsfield units rather than on the first name in the alphabet.
 */
export function modelsFor<M extends Pick<ModelSummary, 'manifest'>>(models: readonly M[], family: ModalityFamily): { matching: M[]; others: M[] } {
  const plain = (m: M) => (m.manifest.modality.trim().toUpperCase() === family.toUpperCase() ? 0 : 1);
  const matching = models.filter((m) => family !== 'unknown' && modelFamily(m.manifest.modality) === family)
    .sort((a, b) => plain(a) - plain(b));
  return { matching, others: models.filter((m) => !matching.includes(m)) };
}
