// The one contract every host (Electron IPC, browser-mode HTTP, CLI) speaks. Transports walk
// STUDIO_METHODS, so a new method is added here and in core/studio.ts, never in three transports.
import type { ImageInfo } from './image';
import type { ModelManifest } from './manifest';

export type Device = 'auto' | 'cpu' | 'cuda';

export interface ModelSummary {
  id: string;
  /** Where the model lives: shipped with the app, or imported/fine-tuned in the user's store. */
  source: 'shipped' | 'user';
  path: string;
  manifest: ModelManifest;
}

export interface SegmentRequest {
  input: string;
  model: string;
  out: string;
  device?: Device;
}

export interface SegmentResult {
  model: string;
  provider: string;
  /** Why the provider differs from the one asked for (CUDA missing), when it does. */
  providerNote?: string;
  slices: number;
  seconds: number;
  /** Voxel count per label name. */
  labels: Record<string, number>;
  out: string;
}

export interface EvaluateRequest {
  pred: string;
  truth: string;
  /** Compare this label value only; any non-zero label when absent. */
  label?: number;
}

export interface MaskMetrics {
  dice: number;
  iou: number;
  precision: number;
  recall: number;
}

export interface StudioApi {
  imageInfo(path: string): Promise<ImageInfo>;
  listModels(): Promise<ModelSummary[]>;
  segment(request: SegmentRequest): Promise<SegmentResult>;
  evaluate(request: EvaluateRequest): Promise<MaskMetrics>;
}

export const STUDIO_METHODS = ['imageInfo', 'listModels', 'segment', 'evaluate'] as const satisfies readonly (keyof StudioApi)[];
