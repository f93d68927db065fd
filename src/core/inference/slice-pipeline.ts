// The per-slice segmentation pipeline, without ONNX Runtime: slice → network input (channels,
// preprocessing, resize or pad) and network output → labels (activation, resize or crop, threshold or
// argmax). Runs in the inference worker; pure functions, so tests can check them directly.
import type { PixelArray } from '../../shared/image';
import type { ModelManifest } from '../../shared/manifest';
import { resizeBilinear } from '../imaging/bilinear-resize';
import { applyIntensityPreprocessing, extractSliceChannels, type ChannelMapping } from '../imaging/intensity-preprocessing';
import { cropTopLeft, padBottomRight, roundUpToMultiple, type PadMode } from '../imaging/pad-crop';

export interface SliceGeometry {
  /** Slice rows (j) and columns (i). */
  height: number;
  width: number;
}

export interface NetworkPlan {
  channels: number;
  /** 2.5D: slices k − adjacent … k + adjacent each give `sliceChannels` of the channels, in that order. */
  adjacent: number;
  sliceChannels: number;
  /** How image components become one slice's channels. */
  mapping: ChannelMapping;
  /** Size fed to the network. */
  netHeight: number;
  netWidth: number;
  /** true: resize to net size and back; false: pad bottom/right and crop back. */
  resize: boolean;
  padMode: PadMode;
}

/** Channels of one slice: the model's channels shared by its 2.5D slices (null when they cannot be). */
export function sliceChannelsOf(input: ModelManifest['input']): number | null {
  const slices = 2 * (input.adjacentSlices ?? 0) + 1;
  return input.channels % slices === 0 ? input.channels / slices : null;
}

export function planNetworkInput(manifest: ModelManifest, slice: SliceGeometry, mapping: ChannelMapping): NetworkPlan {
  const { channels, height, width, sizeMultiple } = manifest.input;
  const slices = { adjacent: manifest.input.adjacentSlices ?? 0, sliceChannels: sliceChannelsOf(manifest.input) ?? channels };
  const padMode: PadMode = (manifest.input as { padding?: string }).padding === 'zero' ? 'zero' : 'edge';
  if (height !== undefined && width !== undefined) {
    return { channels, ...slices, mapping, netHeight: height, netWidth: width, resize: true, padMode };
  }
  const multiple = Math.max(1, sizeMultiple);
  return {
    channels, ...slices, mapping, padMode, resize: false,
    netHeight: roundUpToMultiple(slice.height, multiple), netWidth: roundUpToMultiple(slice.width, multiple),
  };
}

export interface VolumeSlices {
  data: PixelArray;
  size: [number, number, number];
  components: number;
}

/**
 * Writes slice k's network input ([channels, netHeight, netWidth]) into `out`: with 2.5D context its
 * neighbours k − n … k + n, clamped at the volume's ends (as the trainer's stack_adjacent). `scratch`
 * (channels × H × W floats) is reused between calls.
 */
export function prepareSliceInput(
  volume: VolumeSlices, k: number, plan: NetworkPlan, manifest: ModelManifest, scratch: Float32Array, out: Float32Array,
): void {
  const [w, h, depth] = volume.size;
  const block = plan.sliceChannels * w * h;
  for (let d = -plan.adjacent; d <= plan.adjacent; d++) {
    const neighbour = Math.min(depth - 1, Math.max(0, k + d));
    const at = (d + plan.adjacent) * block;
    extractSliceChannels(volume.data, volume.size, volume.components, neighbour, plan.sliceChannels, plan.mapping, scratch.subarray(at, at + block));
  }
  applyIntensityPreprocessing(scratch, plan.channels, manifest.preprocessing);
  if (plan.resize) resizeBilinear(scratch, plan.channels, h, w, plan.netHeight, plan.netWidth, out);
  else padBottomRight(scratch, plan.channels, h, w, plan.netHeight, plan.netWidth, plan.padMode, out);
}

/** In place on planar [channels, pixels]: sigmoid per value, or softmax across channels per pixel. */
export function applyActivation(values: Float32Array, channels: number, activation: 'sigmoid' | 'softmax' | 'none'): void {
  if (activation === 'sigmoid') {
    for (let i = 0; i < values.length; i++) values[i] = 1 / (1 + Math.exp(-values[i]));
  } else if (activation === 'softmax') {
    const pixels = values.length / channels;
    for (let p = 0; p < pixels; p++) {
      let max = -Infinity;
      for (let c = 0; c < channels; c++) max = Math.max(max, values[c * pixels + p]);
      let sum = 0;
      for (let c = 0; c < channels; c++) {
        const e = Math.exp(values[c * pixels + p] - max);
        values[c * pixels + p] = e;
        sum += e;
      }
      for (let c = 0; c < channels; c++) values[c * pixels + p] /= sum;
    }
  }
}

/** How output channels become label values. */
export interface LabelDecoding {
  kind: 'threshold' | 'multi-threshold' | 'argmax';
  threshold: number;
  /** Label value for output channel c (0 = background / not a listed label). */
  channelLabels: Uint8Array;
}

/**
 * One output channel: p ≥ threshold → labels[0].value. Several channels: sigmoid → multi-label
 * (channel c ↔ labels[c], the highest channel over the threshold wins); softmax → argmax (channel c ↔
 * the label whose value is c, channel 0 = background). 'none' decides by channel count the same way.
 */
export function labelDecoding(output: ModelManifest['output'], outChannels: number): LabelDecoding {
  const channelLabels = new Uint8Array(outChannels);
  if (outChannels === 1) {
    channelLabels[0] = output.labels[0].value;
    return { kind: 'threshold', threshold: output.threshold, channelLabels };
  }
  if (output.activation === 'sigmoid') {
    for (let c = 0; c < outChannels; c++) channelLabels[c] = output.labels[c]?.value ?? 0;
    return { kind: 'multi-threshold', threshold: output.threshold, channelLabels };
  }
  for (let c = 1; c < outChannels; c++) channelLabels[c] = output.labels.find((l) => l.value === c)?.value ?? 0;
  return { kind: 'argmax', threshold: output.threshold, channelLabels };
}

/** Labels of one slice from its probabilities (planar [channels, pixels]). */
function decodeLabels(probabilities: Float32Array, channels: number, decoding: LabelDecoding, out: Uint8Array): void {
  const pixels = out.length;
  const { threshold, channelLabels } = decoding;
  if (decoding.kind === 'threshold') {
    const value = channelLabels[0];
    for (let p = 0; p < pixels; p++) out[p] = probabilities[p] >= threshold ? value : 0;
  } else if (decoding.kind === 'multi-threshold') {
    for (let p = 0; p < pixels; p++) {
      let best = -1, bestP = threshold;
      for (let c = 0; c < channels; c++) {
        const v = probabilities[c * pixels + p];
        if (v >= bestP && (best < 0 || v > bestP)) { best = c; bestP = v; }
      }
      out[p] = best < 0 ? 0 : channelLabels[best];
    }
  } else {
    for (let p = 0; p < pixels; p++) {
      let best = 0, bestP = probabilities[p];
      for (let c = 1; c < channels; c++) {
        const v = probabilities[c * pixels + p];
        if (v > bestP) { best = c; bestP = v; }
      }
      out[p] = channelLabels[best];
    }
  }
}

/**
 * Network output of one slice ([channels, netHeight, netWidth], modified in place) → labels of the
 * slice (H × W) in `out`.
 */
export function outputToLabels(
  output: Float32Array, channels: number, plan: NetworkPlan, slice: SliceGeometry,
  activation: ModelManifest['output']['activation'], decoding: LabelDecoding, out: Uint8Array,
): void {
  applyActivation(output, channels, activation);
  const probabilities = plan.resize
    ? resizeBilinear(output, channels, plan.netHeight, plan.netWidth, slice.height, slice.width)
    : plan.netHeight === slice.height && plan.netWidth === slice.width
      ? output
      : cropTopLeft(output, channels, plan.netHeight, plan.netWidth, slice.height, slice.width);
  decodeLabels(probabilities, channels, decoding, out);
}
