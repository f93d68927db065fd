// The model manifest: embedded in each ONNX file (metadata_props key `medseg.manifest`), it drives
// preprocessing, post-processing and how the app presents a model.

export const MANIFEST_KEY = 'medseg.manifest';

export interface LabelDefinition { value: number; name: string; color: string }

export interface ModelManifest {
  id: string;
  name: string;
  version: string;
  architecture: string;
  task: string;
  modality: string;
  input: { channels: number; height?: number; width?: number; sizeMultiple: number; layout: 'NCHW' };
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
  };
  training?: Record<string, unknown>;
  /** Dice, IoU, precision, recall on the validation data named in `training`. */
  metrics?: Record<string, number>;
  /** A fine-tuned version: its parent ("id@version") and the parent's metrics on the same held-out cases. */
  parent?: string | null;
  parentMetrics?: Record<string, number>;
}

/** Validates a parsed manifest; returns a list of problems a user can act on (empty when valid). */
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
  }
  return problems;
}
