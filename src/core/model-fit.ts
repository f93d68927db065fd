// Which models fit an image. A model is made for one modality (its manifest says which), and one
// run on another paints nonsense without a word (the CT liver model on a T2 MRI paints muscle as
// liver), so such a run is refused with the reason unless the caller explicitly allows it.
import type { ModelChoice, ModelSummary } from '../shared/api';
import type { VolumeImage } from '../shared/image';
import type { ModelManifest } from '../shared/manifest';
import { UserError } from '../shared/errors';
import { looksLikeHounsfield } from '../shared/hounsfield';

/** DICOM modality codes under the names model manifests use. */
const DICOM_NAMES: Record<string, string> = { ES: 'ENDOSCOPY', SM: 'MICROSCOPY', GM: 'MICROSCOPY', XC: 'PHOTO', MR: 'MR', CT: 'CT' };
/** Values that say nothing about the modality. */
const UNSPECIFIC = new Set(['', 'OT', 'UNKNOWN', 'SEG']);

const READABLE: Record<string, string> = { CT: 'CT', MR: 'MR', ENDOSCOPY: 'an endoscopy image', MICROSCOPY: 'a microscopy image', PHOTO: 'a photo' };
const readable = (modality: string) => READABLE[modality] ?? modality;

/**
 * The image's modality in manifest terms (CT, MR, ENDOSCOPY, …): from DICOM, CT for voxels in
 * Hounsfield units, PHOTO for an 8-bit picture; null when nothing tells (a NIfTI of unknown origin).
 */
export function imageModality(image: Pick<VolumeImage, 'modality' | 'data' | 'components'>): string | null {
  const code = image.modality.trim().toUpperCase();
  if (!UNSPECIFIC.has(code)) return DICOM_NAMES[code] ?? code;
  if (image.components === 1 && looksLikeHounsfield(image.data)) return 'CT';
  return code === 'OT' && image.data instanceof Uint8Array ? 'PHOTO' : null;
}

/** A modality the user typed (CT, mr, Endoscopy) in the same terms. */
export function namedModality(name: string): string | null {
  const code = name.trim().toUpperCase();
  return UNSPECIFIC.has(code) ? null : DICOM_NAMES[code] ?? code;
}

/** "CT (8-bit windowed slices)" → CT: the first word of the manifest's modality. */
function modelModality(manifest: ModelManifest): string | null {
  return namedModality(manifest.modality.trim().split(/[\s(,;/]+/)[0] ?? '');
}

/**
 * Why `manifest`'s model does not fit an image of `modality`, or null when it does or nothing is
 * known (a NIfTI cropped to soft tissue holds no air to tell Hounsfield units by: never refused).
 */
export function modalityMismatch(manifest: ModelManifest, modality: string | null): string | null {
  if (modality === null) return null;
  // A model that windows Hounsfield units needs CT values.
  if (manifest.preprocessing.window && modality !== 'CT') return `${manifest.name} is made for CT (it windows Hounsfield units), and this image is ${readable(modality)}`;
  const wanted = modelModality(manifest);
  // A photo can be any picture (the lung models were trained on PNG slices): only the window tells.
  if (wanted && modality !== 'PHOTO' && wanted !== modality) return `${manifest.name} is made for ${manifest.modality}, and this image is ${readable(modality)}`;
  return null;
}

/** Refuses a run on another modality unless `allow`; says which installed models would fit. */
export function checkModelFits(model: ModelSummary, image: Pick<VolumeImage, 'modality' | 'data' | 'components'>, allow: boolean | undefined, all: ModelSummary[]): void {
  if (allow) return;
  const modality = imageModality(image);
  const mismatch = modalityMismatch(model.manifest, modality);
  if (!mismatch) return;
  const fitting = all.filter((m) => !modalityMismatch(m.manifest, modality)).map((m) => m.id);
  throw new UserError(`Not run: ${mismatch}. ${fitting.length ? `Models made for it: ${fitting.join(', ')}. ` : ''}` +
    'To run it anyway, allow another modality (CLI: --any-modality; API: allowOtherModality).');
}

/** Every model, those that fit `modality` first (in their listed order), each with its mismatch. */
export function modelChoices(models: ModelSummary[], modality: string | null): ModelChoice[] {
  const choices = models.map((m) => ({ ...m, mismatch: modalityMismatch(m.manifest, modality) }));
  return [...choices.filter((c) => !c.mismatch), ...choices.filter((c) => c.mismatch)];
}
