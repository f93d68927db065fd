// One AI-clicks step on one slice, without ONNX Runtime: slice + clicks + current labels → network
// input (click-encoding.ts) → the caller's network run → the slice's new labels. Runs in the
// inference worker next to the session; pure apart from `run`, so tests can drive it directly.
import type { SliceClick } from '../../shared/api';
import { UserError } from '../../shared/errors';
import type { PixelArray } from '../../shared/image';
import type { InteractionManifest, ModelManifest } from '../../shared/manifest';
import { applyIntensityPreprocessing, channelMapping, extractSliceChannels } from '../imaging/intensity-preprocessing';
import { applyActivation } from '../inference/slice-pipeline';
import { encodeNetworkInput, pasteRefinement } from './click-encoding';

export interface RefineJob {
  /**
   * The slice's voxels (interleaved components, i fastest); for 2.5D models `count` slices, the
   * slice in the middle of its neighbours (clamped at the volume's ends).
   */
  slice: { data: PixelArray; width: number; height: number; count: number; components: number };
  /** The slice's labels now (width × height). */
  current: Uint8Array;
  clicks: SliceClick[];
  label: number;
}

/** Runs the network on one input [1, C, H, W]; resolves to its first output's values. */
export type NetworkRun = (input: Float32Array, dims: [number, number, number, number]) => Promise<Float32Array>;

export interface ClickGuidedModel {
  manifest: ModelManifest;
  interaction: InteractionManifest;
  /** Image channels (the rest of the input are the prompts), over all `1 + 2 × adjacentSlices` slices. */
  imageChannels: number;
  adjacentSlices: number;
  net: { height: number; width: number };
}

/** What the engine needs to feed a click-guided model; a UserError for any other model. */
export function clickGuided(manifest: ModelManifest): ClickGuidedModel {
  const interaction = manifest.interaction;
  if (!interaction) {
    throw new UserError(`${manifest.name} is not a click-guided model (its manifest has no "interaction"); choose an AI-clicks model.`);
  }
  const { height, width, channels } = manifest.input;
  if (height === undefined || width === undefined) throw new UserError(`${manifest.name}: a click-guided model needs "input.height" and "input.width".`);
  const imageChannels = channels - interaction.prompts.length;
  const adjacentSlices = manifest.input.adjacentSlices ?? 0;
  if (imageChannels % (1 + 2 * adjacentSlices) !== 0) {
    throw new UserError(`${manifest.name}: ${imageChannels} image channels cannot be split over ${1 + 2 * adjacentSlices} slices; fix "input.channels" or "input.adjacentSlices".`);
  }
  return { manifest, interaction, imageChannels, adjacentSlices, net: { height, width } };
}

export async function refineSliceLabels(job: RefineJob, model: ClickGuidedModel, run: NetworkRun): Promise<Uint8Array> {
  const { slice, current, clicks, label } = job;
  const { width, height, count, components } = slice;
  const { imageChannels: channels, net, interaction, manifest } = model;
  const perSlice = channels / count;
  const mapping = channelMapping(components, perSlice);
  if (!mapping) throw new UserError(`${manifest.name} takes ${perSlice}-channel images but this one has ${components} component(s) per voxel.`);
  const plane = width * height;
  const planes = new Float32Array(channels * plane);
  for (let s = 0; s < count; s++) {
    extractSliceChannels(slice.data, [width, height, count], components, s, perSlice, mapping, planes.subarray(s * perSlice * plane));
  }
  const pre = manifest.preprocessing;
  applyIntensityPreprocessing(planes, channels, { ...pre, mean: pre.mean.slice(0, channels), std: pre.std.slice(0, channels) });
  const previous = new Uint8Array(current.length);
  for (let p = 0; p < current.length; p++) previous[p] = current[p] === label ? 1 : 0;
  const { input, box } = encodeNetworkInput(planes, channels, width, height, previous, clicks, interaction, net);
  const output = await run(input, [1, channels + interaction.prompts.length, net.height, net.width]);
  const probability = output.slice(0, net.height * net.width);
  applyActivation(probability, 1, manifest.output.activation);
  return pasteRefinement(current, width, probability, net, box, manifest.output.threshold, label);
}
