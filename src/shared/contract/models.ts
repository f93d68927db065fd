// The contract's models: installed models and their versions, model choice for an image, import,
// fine-tune jobs, and the metrics evaluations and versions are measured by. Re-exported by
// shared/api.ts, which callers import.
import type { ModelManifest } from '../manifest';

export type Device = 'auto' | 'cpu' | 'cuda';

export interface ModelSummary {
  id: string;
  /** Where the model's root version lives: shipped with the app, or imported into the user's store. */
  source: 'shipped' | 'user';
  /** The ONNX file of the version this summary describes (the current one unless asked otherwise). */
  path: string;
  manifest: ModelManifest;
  /** Its PyTorch weights, which fine-tuning starts from; null when the model cannot be fine-tuned. */
  weights: string | null;
  /** How many versions the model's lineage has (1: never fine-tuned). */
  versions: number;
  /** Version folders in the store that could not be read and were skipped (damaged, misnamed). */
  problems?: string[];
}

/** Overlap of a mask with its truth: what evaluation and every version's record measure. */
export interface MaskMetrics {
  dice: number;
  iou: number;
  precision: number;
  recall: number;
}

/** What a fine-tune job recorded about the version it made (immutable, like the version). */
export interface VersionRecord {
  parent: string;
  createdAt: string;
  /** Dice/IoU/precision/recall on the held-out reviewed cases, and the parent's on the same cases. */
  metrics: MaskMetrics;
  parentMetrics: MaskMetrics;
  trainCases: string[];
  heldOutCases: string[];
  epochs: number;
  seconds: number;
  /** Whether the regression gate promoted it to current when it was made, and why (not). */
  gate: { promoted: boolean; reason: string };
  history: FinetunePoint[];
}

export interface ModelVersion {
  id: string;
  version: string;
  /** "id@version": what segment and fine-tune accept to name this version. */
  ref: string;
  path: string;
  weights: string | null;
  manifest: ModelManifest;
  current: boolean;
  /** null for the root (shipped or imported) version. */
  record: VersionRecord | null;
}

/**
 * A manifest given at import: only what the ONNX file cannot tell is needed (preprocessing, output
 * activation and labels); channels and a fixed size come from the graph, id from the file name,
 * version defaults to 1.0.0. Anything given must agree with the graph.
 */
export type ManifestDraft = Partial<Omit<ModelManifest, 'input' | 'preprocessing' | 'output'>> & {
  input?: Partial<ModelManifest['input']>;
  preprocessing?: Partial<ModelManifest['preprocessing']>;
  output?: Partial<ModelManifest['output']>;
};

/** Which image the models are listed for: a case's, or a modality by name (CT, MR, endoscopy, …). */
export interface ModelsForRequest {
  caseId?: string;
  modality?: string;
}

/** A model with whether it was made for the image's modality: those that were come first. */
export interface ModelChoice extends ModelSummary {
  /** Why this model does not fit the image (another modality), or null when it does. */
  mismatch: string | null;
}

export interface ImportModelRequest {
  file: string;
  /** Manifest for a foreign ONNX without one (or to replace the embedded one). */
  manifest?: ManifestDraft;
}

export interface FinetuneRequest {
  /** Model id (its current version) or "id@version" to start from. */
  model: string;
  epochs?: number;
  device?: Device;
  /** Adam's step size (default 3e-4: a third of training from scratch). */
  learningRate?: number;
  /** Keep BatchNorm statistics fixed (their scale and shift still train): for a few cases like the training data. */
  freezeBatchnorm?: boolean;
  jobId?: string;
}

export interface FinetunePoint {
  epoch: number;
  step: number;
  loss: number;
  valDice: number | null;
}

export type FinetuneState = 'running' | 'done' | 'failed' | 'cancelled';

export interface FinetuneJob {
  jobId: string;
  model: string;
  /** "id@version" the job started from. */
  parent: string;
  state: FinetuneState;
  /** What is happening, or why it ended the way it did, in words for the user. */
  message: string;
  startedAt: string;
  endedAt: string | null;
  trainCases: number;
  heldOutCases: number;
  epochs: number;
  /** The parent's metrics on the held-out cases, once the trainer measured them. */
  baseline: MaskMetrics | null;
  /** Loss and validation Dice so far (for the live plot). */
  history: FinetunePoint[];
  progress: { epoch: number; step: number; totalSteps: number; etaSeconds: number | null } | null;
  /** The new version when the job finished. */
  result: { version: string; ref: string; promoted: boolean; reason: string; metrics: MaskMetrics; parentMetrics: MaskMetrics } | null;
}

/** Per-version metrics on the workspace's held-out reviewed cases, run through the engine. */
export interface VersionEvaluation {
  model: string;
  heldOutCases: string[];
  versions: { ref: string; parent: string | null; current: boolean; metrics: MaskMetrics; seconds: number }[];
}
