// refineSlice, engine side: checks the request, keeps the click-guided model loaded between clicks
// (loading a session costs more than a click may take), and hands the slice to the inference worker.
import type { Device, RefineFileRequest, RefineFileResult, RefineSliceRequest, RefineSliceResult, SliceClick } from '../../shared/api';
import { UserError } from '../../shared/errors';
import type { VolumeImage } from '../../shared/image';
import { loadModel, refineWithModel, type SegmentationModel } from '../inference';
import { readImage, writeLabelmap } from '../io';
import { pixelArrayOf } from '../io/itk-image';
import { readMaskOnGrid } from '../masks/evaluate-files';
import { findModel } from '../training/model-registry';
import type { ModelFolders } from '../training/model-folders';
import { clickGuided } from './refine-pipeline';

interface WarmModel {
  /** The model as the request named it, and when that name was last looked up. */
  asked: string;
  lookedUp: number;
  path: string;
  device: Device;
  ref: string;
  adjacentSlices: number;
  model: Promise<SegmentationModel>;
}

/** How long a model name keeps pointing at the file it was found in (a newly promoted version waits this long). */
const LOOKUP_MS = 30_000;

/** The one click-guided model in use, loaded once and released after a while without clicks. */
export class ClickModels {
  private warm: WarmModel | null = null;
  private idle: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly folders: ModelFolders, private readonly idleMs = 10 * 60_000) {}

  async get(ref: string, device: Device): Promise<{ model: SegmentationModel; ref: string; adjacentSlices: number }> {
    const now = performance.now();
    const fresh = this.warm && this.warm.asked === ref && this.warm.device === device && now - this.warm.lookedUp < LOOKUP_MS;
    if (!fresh) {
      const summary = await findModel(this.folders, ref);
      const { adjacentSlices } = clickGuided(summary.manifest);
      if (this.warm?.path === summary.path && this.warm.device === device) Object.assign(this.warm, { asked: ref, lookedUp: now });
      else {
        await this.close();
        const model = loadModel(summary.path, { device });
        this.warm = { asked: ref, lookedUp: now, path: summary.path, device, ref: `${summary.id}@${summary.manifest.version}`, adjacentSlices, model };
        model.catch(() => { if (this.warm?.model === model) this.warm = null; });
      }
    }
    const warm = this.warm!;
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => void this.close(), this.idleMs);
    this.idle.unref?.();
    return { model: await warm.model, ref: warm.ref, adjacentSlices: warm.adjacentSlices };
  }

  async close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    const warm = this.warm;
    this.warm = null;
    if (warm) await (await warm.model.catch(() => null))?.close();
  }
}

/** Slices k − c … k + c (clamped at the ends) of the image, as one block of voxels. */
function neighbourhood(image: VolumeImage, k: number, context: number) {
  const [width, height, depth] = image.size;
  const sliceValues = width * height * image.components;
  const count = 1 + 2 * context;
  const data = pixelArrayOf(image.pixelType, count * sliceValues);
  for (let s = 0; s < count; s++) {
    const from = Math.min(Math.max(k - context + s, 0), depth - 1) * sliceValues;
    data.set(image.data.subarray(from, from + sliceValues), s * sliceValues);
  }
  return { data, width, height, count, components: image.components };
}

function checkedClicks(clicks: unknown, width: number, height: number): SliceClick[] {
  if (!Array.isArray(clicks)) throw new UserError('"clicks" must be a list of {i, j, positive}.');
  return clicks.map((c, n) => {
    const ok = c && Number.isInteger(c.i) && Number.isInteger(c.j) && typeof c.positive === 'boolean';
    if (!ok) throw new UserError(`Click ${n + 1} must be {i, j, positive} with whole voxel indices and positive true or false.`);
    if (c.i < 0 || c.j < 0 || c.i >= width || c.j >= height) {
      throw new UserError(`Click ${n + 1} at (${c.i}, ${c.j}) is outside the ${width}×${height} slice.`);
    }
    return { i: c.i, j: c.j, positive: c.positive };
  });
}

export async function refineSlice(image: VolumeImage, request: Omit<RefineSliceRequest, 'caseId'>, models: ClickModels): Promise<RefineSliceResult> {
  const started = performance.now();
  const [width, height, depth] = image.size;
  const { k, mask, label = 1, device = 'auto' } = request;
  if (!Number.isInteger(k) || k < 0 || k >= depth) throw new UserError(`Slice ${k} does not exist: the image has slices 0–${depth - 1}.`);
  if (!Number.isInteger(label) || label < 1 || label > 255) throw new UserError(`The label to edit must be 1–255, not ${label}.`);
  const plane = width * height;
  if (mask !== undefined && (!(mask instanceof Uint8Array) || mask.length !== plane)) {
    throw new UserError(`The slice's mask must hold ${plane} labels (${width}×${height}), not ${mask instanceof Uint8Array ? mask.length : typeof mask}.`);
  }
  const clicks = checkedClicks(request.clicks, width, height);
  const { model, ref, adjacentSlices } = await models.get(request.model, device);
  const slice = neighbourhood(image, k, adjacentSlices);
  const labels = await refineWithModel(model, { slice, current: mask ?? new Uint8Array(plane), clicks, label });
  return { mask: labels, model: ref, seconds: (performance.now() - started) / 1000 };
}

/** The CLI's refine: the mask file (or an empty one) with slice k refined, written and verified on the image's grid. */
export async function refineFile(request: RefineFileRequest, models: ClickModels): Promise<RefineFileResult> {
  const image = await readImage(request.input);
  const [width, height, depth] = image.size;
  const plane = width * height;
  const k = request.k ?? 0;
  const labelmap = request.mask ? await readMaskOnGrid(request.mask, image) : new Uint8Array(plane * depth);
  const current = Number.isInteger(k) && k >= 0 && k < depth ? labelmap.slice(k * plane, (k + 1) * plane) : undefined;
  const { mask, model, seconds } = await refineSlice(image, { ...request, k, mask: current }, models);
  labelmap.set(mask, k * plane);
  const label = request.label ?? 1;
  const { out } = await writeLabelmap(request.out, labelmap, image);
  return { model, k, seconds, sliceVoxels: mask.reduce((n, v) => n + (v === label ? 1 : 0), 0), out };
}
