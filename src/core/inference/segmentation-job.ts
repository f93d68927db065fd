// One segmentation of a volume, without ONNX Runtime: the volume is brought to the voxel order the
// model was trained in (manifest `input.orientation`), batches of its slices become network inputs
// (2.5D neighbours as channels, `input.adjacentSlices`; mirrored copies when the manifest averages
// test-time flips), network outputs become labels, and at the end the labels are post-processed and mapped back onto the source grid voxel for voxel. The inference worker feeds it to its session.
import { UserError } from '../../shared/errors';
import type { ModelManifest } from '../../shared/manifest';
import { keepLargestComponentPerLabel } from '../../shared/mask-algorithms';
import { channelMapping } from '../imaging/intensity-preprocessing';
import {
  canonicalSliceRange, fromCanonical, identityReorientation, planReorientation, toCanonical, type Reorientation,
} from '../imaging/orientation';
import { fillHolesPerSlice } from '../masks/fill-holes';
import { flipPlanes, flipVariants, type FlipVariant } from './test-time-flips';
import {
  applyActivation, labelDecoding, outputToLabels, planNetworkInput, prepareSliceInput, sliceChannelsOf, type LabelDecoding, type NetworkPlan, type VolumeSlices,
} from './slice-pipeline';

export interface JobStart {
  /** The whole volume as stored (i fastest) and its direction (row-major, LPS). */
  volume: VolumeSlices;
  direction: number[];
  /** Source slices k to segment, [from, to). */
  range: [number, number];
  batchSize: number;
}

/** One batch's network inputs, each [batch, channels, netHeight, netWidth]: one per flip variant. */
export interface BatchInput {
  dims: [number, number, number, number];
  inputs: Float32Array[];
  /** Slices of the batch that are real (the rest pads a fixed batch dimension). */
  count: number;
}

export interface NetworkOutput { type: string; data: unknown; dims: readonly number[] }

export class SegmentationJob {
  readonly reorientation: Reorientation;
  readonly plan: NetworkPlan;
  readonly batchSize: number;
  private readonly volume: VolumeSlices;
  /** Canonical slices the network runs on, [from, to). */
  private readonly run: [number, number];
  private readonly labels: Uint8Array;
  private readonly range: [number, number];
  private readonly variants: FlipVariant[];
  /** One slice's channels at source size, reused by every batch (prepareSliceInput's scratch). */
  private readonly scratch: Float32Array;
  private next: number;
  private decoding: LabelDecoding | null = null;

  constructor(private readonly manifest: ModelManifest, start: JobStart, private readonly fixedBatch: number | null) {
    const { volume } = start;
    this.range = start.range;
    this.reorientation = manifest.input.orientation ? planReorientation(volume.size, start.direction) : identityReorientation(volume.size);
    const size = this.reorientation.size;
    const sliceChannels = sliceChannelsOf(manifest.input);
    if (sliceChannels === null) {
      throw new UserError(`The model takes ${manifest.input.channels} channels, which ${2 * (manifest.input.adjacentSlices ?? 0) + 1} slices (input.adjacentSlices) cannot share; fix its manifest.`);
    }
    const mapping = channelMapping(volume.components, sliceChannels);
    if (!mapping) {
      throw new UserError(`The model takes ${sliceChannels}-channel input${manifest.input.adjacentSlices ? ' per slice' : ''} but the image has ${volume.components} component(s) per voxel.`);
    }
    this.volume = { data: toCanonical(volume.data, volume.components, this.reorientation), size, components: volume.components };
    this.plan = planNetworkInput(manifest, { height: size[1], width: size[0] }, mapping);
    this.run = canonicalSliceRange(this.reorientation, start.range);
    this.next = this.run[0];
    this.batchSize = fixedBatch ?? Math.max(1, Math.floor(start.batchSize));
    this.labels = new Uint8Array(size[0] * size[1] * size[2]);
    this.variants = flipVariants(manifest.output.testTimeFlips);
    this.scratch = new Float32Array(this.plan.channels * size[0] * size[1]);
  }

  /** Network slices done and to do (the source slices asked, or every slice when the volume turns). */
  get progress(): { done: number; total: number } {
    return { done: this.next - this.run[0], total: this.run[1] - this.run[0] };
  }

  /** The next batch's input, or null when every slice is segmented. */
  nextInput(): BatchInput | null {
    if (this.next >= this.run[1]) return null;
    const { plan } = this;
    const count = Math.min(this.run[1], this.next + this.batchSize) - this.next;
    const batch = this.fixedBatch ?? count;
    const plane = plan.channels * plan.netHeight * plan.netWidth;
    const data = new Float32Array(batch * plane);
    for (let b = 0; b < count; b++) {
      prepareSliceInput(this.volume, this.next + b, plan, this.manifest, this.scratch, data.subarray(b * plane, (b + 1) * plane));
    }
    const inputs = this.variants.map((v) => (v.flipH || v.flipW ? flipPlanes(data, batch * plan.channels, plan.netHeight, plan.netWidth, v) : data));
    return { dims: [batch, plan.channels, plan.netHeight, plan.netWidth], inputs, count };
  }

  /** The network's outputs for the batch `nextInput` gave (one per input, same order): its slices' labels. */
  acceptOutputs(batch: BatchInput, outputs: NetworkOutput[]): void {
    const { plan, manifest: m } = this;
    const dims = outputs[0].dims;
    const outChannels = dims.length === 4 ? dims[1] : dims.length === 3 ? 1 : -1;
    for (const output of outputs) {
      const d = output.dims;
      if (output.type !== 'float32' || outChannels < 1 || d.join() !== dims.join() || d[0] !== batch.dims[0] || d.at(-2) !== plan.netHeight || d.at(-1) !== plan.netWidth) {
        throw new UserError(`The model's output is ${output.type} [${d.join(', ')}] for a [${batch.dims.join(', ')}] input; ` +
          'MedSeg expects float32 [N, classes, H, W] maps the size of the input.');
      }
    }
    if (!this.decoding) {
      if (m.output.activation === 'sigmoid' && outChannels > 1 && m.output.labels.length < outChannels) {
        throw new UserError(`The model outputs ${outChannels} sigmoid channels but its manifest lists ${m.output.labels.length} label(s); list one label per channel.`);
      }
      this.decoding = labelDecoding(m.output, outChannels);
    }
    const data = outputs.length === 1 ? outputs[0].data as Float32Array : this.averaged(batch, outputs, outChannels);
    const activation = outputs.length === 1 ? m.output.activation : 'none';
    const outPlane = outChannels * plan.netHeight * plan.netWidth;
    const [width, height] = this.volume.size;
    const slicePixels = width * height;
    for (let b = 0; b < batch.count; b++) {
      const k = this.next + b;
      outputToLabels(data.subarray(b * outPlane, (b + 1) * outPlane), outChannels, plan, { height, width },
        activation, this.decoding, this.labels.subarray(k * slicePixels, (k + 1) * slicePixels));
    }
    this.next += batch.count;
  }

  /** Test-time flips: each output's probabilities, mirrored back, averaged. */
  private averaged(batch: BatchInput, outputs: NetworkOutput[], outChannels: number): Float32Array {
    const { netHeight, netWidth } = this.plan;
    const perSlice = outChannels * netHeight * netWidth;
    const sum = new Float32Array(batch.dims[0] * perSlice);
    outputs.forEach((output, n) => {
      const probabilities = Float32Array.from(output.data as Float32Array);
      for (let b = 0; b < batch.count; b++) {
        applyActivation(probabilities.subarray(b * perSlice, (b + 1) * perSlice), outChannels, this.manifest.output.activation);
      }
      const v = this.variants[n];
      const restored = v.flipH || v.flipW ? flipPlanes(probabilities, batch.dims[0] * outChannels, netHeight, netWidth, v) : probabilities;
      for (let i = 0; i < sum.length; i++) sum[i] += restored[i] / outputs.length;
    });
    return sum;
  }

  /**
   * Post-processed labels of the asked source slices, on the source grid. Post-processing runs in
   * the canonical order, so hole filling is per axial slice as the model saw them.
   */
  finish(): Uint8Array {
    const m = this.manifest;
    const values = m.output.labels.map((l) => l.value).filter((v) => v > 0);
    if (m.output.largestComponent) keepLargestComponentPerLabel(this.labels, this.volume.size, values);
    if (m.output.fillHoles) fillHolesPerSlice(this.labels, this.volume.size, values);
    const source = fromCanonical(this.labels, this.reorientation);
    const [nx, ny, nz] = this.reorientation.sourceSize;
    const [from, to] = this.range;
    return from === 0 && to === nz ? source : source.slice(from * nx * ny, to * nx * ny);
  }
}
