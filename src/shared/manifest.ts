// The model manifest: embedded in each ONNX file (metadata_props key `medseg.manifest`), it drives
// preprocessing, post-processing and how the app presents a model.

export const MANIFEST_KEY = 'medseg.manifest';

export interface LabelDefinition { value: number; name: string; color: string }

/** A click-guided model's prompt planes, fed after the image channels in the order listed. */
export type InteractionPrompt = 'positiveClicks' | 'negativeClicks' | 'previousMask';
export const INTERACTION_PROMPTS: readonly InteractionPrompt[] = ['positiveClicks', 'negativeClicks', 'previousMask'];
export const CLICK_ENCODING = 'medseg-clicks/1';

/**
 * How a click-guided ("AI clicks") model is fed: the encoding medseg-clicks/1 is specified in
 * training/medseg_training/interactive/click_encoding.py and implemented by core/interactive.
 */
export interface InteractionManifest {
  encoding: typeof CLICK_ENCODING;
  prompts: InteractionPrompt[];
  /** Each click is a disk of this radius, in network-input pixels. */
  clicks: { kind: 'disk'; radius: number };
  /** The focus box: the previous mask's and clicks' bounding box × expand, at least minFraction of the slice. */
  focus: { expand: number; minFraction: number };
}

/** The canonical voxel orders the trainer knows (orientation.py's CANONICAL). */
export const MODEL_ORIENTATIONS = ['LPS'] as const;
export type ModelOrientation = (typeof MODEL_ORIENTATIONS)[number];

export const TEST_TIME_FLIPS = ['horizontal', 'vertical'] as const;
export type TestTimeFlip = (typeof TEST_TIME_FLIPS)[number];

export interface ModelManifest {
  id: string;
  name: string;
  version: string;
  architecture: string;
  task: string;
  modality: string;
  input: {
    channels: number; height?: number; width?: number; sizeMultiple: number; layout: 'NCHW';
    /**
     * 2.5D input: this many neighbouring slices on each side of slice k come in as channels too
     * (k − c … k + c, clamped at the volume's ends), each with the image's channels.
     */
    adjacentSlices?: number;
    /**
     * The voxel order the model was trained in ("LPS": axes i, j, k towards the patient's Left,
     * Posterior, Superior; training/medseg_training/orientation.py). The engine brings each volume
     * there by axis permutations and flips, segments it, and maps the labels back exactly. Absent:
     * the file's own voxel order (photos, microscopy, models trained before orientations).
     */
    orientation?: ModelOrientation;
  };
  preprocessing: {
    window?: { center: number; width: number };
    scale: number;
    mean: number[];
    std: number[];
  };
  output: {
    activation: 'sigmoid' | 'softmax' | 'none';
    threshold: number;
    labels: LabelDefinition[];
    /** Keep only the largest connected component of each label (3D). */
    largestComponent?: boolean;
    /** Fill holes fully enclosed by a label, slice by slice. */
    fillHoles?: boolean;
    /**
     * Test-time flip averaging: each slice is also segmented mirrored left-right ('horizontal')
     * and/or up-down ('vertical'), and the probabilities, mirrored back, are averaged (2 or 4 runs
     * per slice). Only for models trained with flips.
     */
    testTimeFlips?: TestTimeFlip[];
  };
  training?: Record<string, unknown>;
  /** Dice, IoU, precision, recall on the validation data named in `training`. */
  metrics?: Record<string, number>;
  /** A fine-tuned version: its parent ("id@version") and the parent's metrics on the same held-out cases. */
  parent?: string | null;
  parentMetrics?: Record<string, number>;
  /** Present on click-guided models: which prompts they take and how they are encoded. */
  interaction?: InteractionManifest;
}

function interactionProblems(inter: any, input: any): string[] {
  if (typeof inter !== 'object' || inter === null) return ['"interaction" must be an object'];
  const problems: string[] = [];
  if (inter.encoding !== CLICK_ENCODING) problems.push(`"interaction.encoding" must be "${CLICK_ENCODING}"`);
  const prompts = inter.prompts;
  if (!Array.isArray(prompts) || prompts.length === 0 || new Set(prompts).size !== prompts.length
    || !prompts.every((p: unknown) => INTERACTION_PROMPTS.includes(p as InteractionPrompt))) {
    problems.push(`"interaction.prompts" must list some of ${INTERACTION_PROMPTS.join(', ')}, each once`);
  } else if (input && Number.isInteger(input.channels) && input.channels <= prompts.length) {
    problems.push('"input.channels" must count the image channels and the prompts');
  }
  if (inter.clicks?.kind !== 'disk' || !(inter.clicks?.radius > 0)) problems.push('"interaction.clicks" must be {"kind": "disk", "radius": > 0}');
  if (!(inter.focus?.expand >= 1) || !(inter.focus?.minFraction > 0 && inter.focus?.minFraction <= 1)) {
    problems.push('"interaction.focus" needs "expand" ≥ 1 and "minFraction" in (0, 1]');
  }
  if (input && (input.height === undefined || input.width === undefined)) problems.push('a click-guided model needs "input.height" and "input.width"');
  return problems;
}

/**
 * Validates a parsed manifest; returns a list of problems a user can act on (empty when valid).
 * Its structural rules are also written as a JSON Schema (manifest-schema.ts) that the trainer's
 * export checks: a rule changed here must change there (test/fixtures/manifest-verdicts.json).
 */
export function manifestProblems(m: unknown): string[] {
  const problems: string[] = [];
  if (typeof m !== 'object' || m === null) return ['the manifest must be a JSON object'];
  const o = m as Record<string, any>;
  for (const key of ['id', 'name', 'version', 'architecture']) {
    if (typeof o[key] !== 'string' || o[key] === '') problems.push(`"${key}" must be a non-empty string`);
  }
  const input = o.input;
  if (typeof input !== 'object' || input === null) problems.push('"input" (channels, sizeMultiple, height/width) is missing');
  else {
    if (!Number.isInteger(input.channels) || input.channels < 1) problems.push('"input.channels" must be a positive integer');
    if (!Number.isInteger(input.sizeMultiple) || input.sizeMultiple < 1) problems.push('"input.sizeMultiple" must be a positive integer');
    if (input.layout !== undefined && input.layout !== 'NCHW') problems.push('"input.layout" must be "NCHW" when given');
    if (input.adjacentSlices !== undefined && (!Number.isInteger(input.adjacentSlices) || input.adjacentSlices < 0)) {
      problems.push('"input.adjacentSlices" must be a whole number of slices (0, 1, …) when given');
    }
    if (input.orientation !== undefined && !MODEL_ORIENTATIONS.includes(input.orientation)) {
      problems.push(`"input.orientation" must be ${MODEL_ORIENTATIONS.map((o) => `"${o}"`).join(' or ')} when given (the voxel order the model was trained in)`);
    }
    for (const k of ['height', 'width']) {
      if (input[k] !== undefined && (!Number.isInteger(input[k]) || input[k] < 1)) problems.push(`"input.${k}" must be a positive integer when given`);
    }
  }
  const pre = o.preprocessing;
  if (typeof pre !== 'object' || pre === null) problems.push('"preprocessing" (scale, mean, std, optional window) is missing');
  else {
    if (typeof pre.scale !== 'number') problems.push('"preprocessing.scale" must be a number');
    if (!Array.isArray(pre.mean) || !Array.isArray(pre.std)) problems.push('"preprocessing.mean" and ".std" must be arrays');
    else if (input && (pre.mean.length !== input.channels || pre.std.length !== input.channels)) {
      problems.push('"preprocessing.mean" and ".std" need one value per input channel');
    }
  }
  const out = o.output;
  if (typeof out !== 'object' || out === null) problems.push('"output" (activation, threshold, labels) is missing');
  else {
    if (!['sigmoid', 'softmax', 'none'].includes(out.activation)) problems.push('"output.activation" must be sigmoid, softmax or none');
    if (typeof out.threshold !== 'number') problems.push('"output.threshold" must be a number');
    if (!Array.isArray(out.labels) || out.labels.length === 0) problems.push('"output.labels" must list at least one label');
    const flips = out.testTimeFlips;
    if (flips !== undefined && (!Array.isArray(flips) || new Set(flips).size !== flips.length || !flips.every((f: unknown) => TEST_TIME_FLIPS.includes(f as TestTimeFlip)))) {
      problems.push(`"output.testTimeFlips" must list some of ${TEST_TIME_FLIPS.join(', ')}, each once`);
    }
  }
  if (o.interaction !== undefined) problems.push(...interactionProblems(o.interaction, input));
  return problems;
}
