// The engine's side of model choice: a run on an image of another modality than the model's is
// refused with the reason (and the models that would fit) unless the request explicitly allows it.
// Whether a model fits is decided in one place, src/shared/model-match.ts, which the page uses to
// ask first; here it becomes a refusal and a listing.
import type { ModelChoice, ModelSummary } from '../shared/api';
import type { VolumeImage } from '../shared/image';
import { UserError } from '../shared/errors';
import { familyMismatch, imageFamily, modelsFor, type ModalityFamily } from '../shared/model-match';

type FittedImage = Pick<VolumeImage, 'size' | 'components' | 'modality' | 'data'>;

/** Refuses a run on another modality unless `allow`; says which installed models would fit. */
/** `installed` is asked only for a refusal, to name the models that would fit (listing reads every model file). */
export async function checkModelFits(model: ModelSummary, image: FittedImage, allow: boolean | undefined, installed: () => Promise<ModelSummary[]>): Promise<void> {
  if (allow) return;
  const family = imageFamily(image);
  const mismatch = familyMismatch(model, family);
  if (!mismatch) return;
  const fitting = (await installed()).filter((m) => !familyMismatch(m, family)).map((m) => m.id);
  throw new UserError(`Not run: ${mismatch} ${fitting.length ? `Models that fit it: ${fitting.join(', ')}. ` : ''}` +
    'To run it anyway, allow another modality (CLI: --any-modality; API: allowOtherModality).');
}

/** Every model, those made for `family` first (in their listed order), each with its mismatch. */
export function modelChoices(models: ModelSummary[], family: ModalityFamily): ModelChoice[] {
  const { matching, others } = modelsFor(models, family);
  return [...matching, ...others].map((m) => ({ ...m, mismatch: familyMismatch(m, family) }));
}
