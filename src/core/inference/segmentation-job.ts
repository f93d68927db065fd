// One segmentation of a volume, without ONNX Runtime: the volume is brought to the voxel order the
// model was trained in (manifest `input.orientation`), batches of its slices become network inputs
// (2.5D neighbours as channels, `input.adjacentSlices`), network outputs become labels, and at the
// end the labels are post-processed and mapped back onto the source grid voxel for voxel. The inference worker feeds it to its session.
import { UserError } from '../../shared/errors';
import type { ModelManifest } from '../../shared/manifest';
import { keepLargestComponentPerLabel } from '../../shared/mask-algorithms';
import { channelMapping } from '../imaging/intensity-preprocessing';
import {
  canonicalSliceRange, fromCanonical, identityReorientation, planReorientation, toCanonical, type Reorientation,
} from '../imaging/orientation';
import { fillHolesPerSlice } from '../masks/fill-holes';
import {
  labelDecoding, outputToLabels, planNetworkInput, prepareSliceInput, sliceChannelsOf, type LabelDecoding, type NetworkPlan, type VolumeSlices,
} from './slice-pipeline';

export interface JobStart {
  /** The whole volume as stored (i fastest) and its direction (row-major, LPS). */
  volume: VolumeSlices;
  direction: number[];
  /** Source slices k to segment, [from, to). */
  range: [number, number];
  batchSize: number;
}

/** One batch's network input, [batch, channels, netHeight, netWidth]. */
export interface BatchInput {
  dims: [number, number, number, number];
  data: Float32Array;
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
    const [width, height] = this.volume.size;
    const scratch = new Float32Array(plan.channels * width * height);
    for (let b = 0; b < count; b++) {
      prepareSliceInput(this.volume, this.next + b, plan, this.manifest, scratch, data.subarray(b * plane, (b + 1) * plane));
    }
    return { dims: [batch, plan.channels, plan.netHeight, plan.netWidth], data, count };
  }

  /** The network's output for the batch `nextInput` gave: its slices' labels. */
  acceptOutput(batch: BatchInput, output: NetworkOutput): void {
    const { plan, manifest: m } = this;
    const dims = output.dims;
    const outChannels = dims.length === 4 ? dims[1] : dims.length === 3 ? 1 : -1;
    if (output.type !== 'float32' || outChannels < 1 || dims[0] !== batch.dims[0] || dims.at(-2) !== plan.netHeight || dims.at(-1) !== plan.netWidth) {
      throw new UserError(`The model's output is ${output.type} [${dims.join(', ')}] for a [${batch.dims.join(', ')}] input; ` +
        'MedSeg expects float32 [N, classes, H, W] maps the size of the input.');
    }
    if (!this.decoding) {
      if (m.output.activation === 'sigmoid' && outChannels > 1 && m.output.labels.length < outChannels) {
        throw new UserError(`The model outputs ${outChannels} sigmoid channels but its manifest lists ${m.output.labels.length} label(s); list one label per channel.`);
      }
      this.decoding = labelDecoding(m.output, outChannels);
    }
    const data = output.data as Float32Array;
    const outPlane = outChannels * plan.netHeight * plan.netWidth;
    const [width, height] = this.volume.size;
    const slicePixels = width * height;
    for (let b = 0; b < batch.count; b++) {
      const k = this.next + b;
      outputToLabels(data.subarray(b * outPlane, (b + 1) * outPlane), outChannels, plan, { height, width },
        m.output.activation, this.decoding, this.labels.subarray(k * slicePixels, (k + 1) * slicePixels));
    }
    this.next += batch.count;
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
