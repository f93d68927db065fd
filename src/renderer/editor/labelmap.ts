// The label volume being edited: one label byte per voxel on the image's exact grid, with a
// provenance byte beside it (who set the voxel last), batched change notification as a dirty box
// so views redraw only what changed, and a write hook that undo history uses to see "before" values.
//
// Every edit goes through `setAt`/`set`, which accumulate a dirty box; `flushChanges` announces it.
// The editing functions in this folder flush when they finish, so listeners get one event per stamp.
import type { Geometry } from '../../shared/image';
import { renderLabelSliceRGBA, type LabelColors } from './label-rendering';
import { sliceCount, sliceView, type Orientation, type SliceLayout, type SliceRect, type SliceView, type VoxelBox, wholeBox } from './slices';

export { Provenance, type ProvenanceValue } from '../../shared/provenance';
import { isCorrection, Provenance, type ProvenanceValue } from '../../shared/provenance';

export type ChangeSource = 'edit' | 'model' | 'history' | 'load';

export interface LabelmapChange {
  /** Inclusive voxel box holding every voxel that changed. */
  box: VoxelBox;
  source: ChangeSource;
}

export type LabelmapListener = (change: LabelmapChange) => void;

/** Sees each voxel's values just before a write changes them (undo history records these). */
export interface LabelmapWriteRecorder {
  beforeWrite(index: number, label: number, provenance: number): void;
}

export interface ApplyModelResultOptions {
  /** Region the result covers (its size is the box's); the whole volume when absent. */
  box?: VoxelBox;
  /** Leave voxels a person corrected (by hand or with AI clicks) as they are (default true): a re-run never undoes a correction. */
  keepHumanEdits?: boolean;
}

export class Labelmap {
  readonly geometry: Geometry;
  readonly size: readonly [number, number, number];
  /** Label per voxel, i fastest. Writing it directly bypasses history and notification. */
  readonly labels: Uint8Array;
  /** Provenance per voxel (see `Provenance`). */
  readonly provenance: Uint8Array;

  private readonly listeners = new Set<LabelmapListener>();
  private recorder: LabelmapWriteRecorder | null = null;
  // Pending dirty box; empty while i0 > i1.
  private di0 = Infinity; private dj0 = Infinity; private dk0 = Infinity;
  private di1 = -Infinity; private dj1 = -Infinity; private dk1 = -Infinity;

  constructor(geometry: Geometry, labels?: Uint8Array, provenance?: Uint8Array) {
    const [nx, ny, nz] = geometry.size;
    if (![nx, ny, nz].every((n) => Number.isInteger(n) && n > 0)) {
      throw new RangeError(`A labelmap needs a positive whole size, got ${geometry.size.join('x')}`);
    }
    const count = nx * ny * nz;
    for (const [name, array] of [['labels', labels], ['provenance', provenance]] as const) {
      if (array && array.length !== count) {
        throw new RangeError(`${name} holds ${array.length} voxels; the ${nx}x${ny}x${nz} grid has ${count}`);
      }
    }
    this.geometry = geometry;
    this.size = [nx, ny, nz];
    this.labels = labels ?? new Uint8Array(count);
    this.provenance = provenance ?? new Uint8Array(count);
  }

  get voxelCount(): number {
    return this.labels.length;
  }

  index(i: number, j: number, k: number): number {
    return i + this.size[0] * (j + this.size[1] * k);
  }

  contains(i: number, j: number, k: number): boolean {
    return i >= 0 && j >= 0 && k >= 0 && i < this.size[0] && j < this.size[1] && k < this.size[2];
  }

  get(i: number, j: number, k: number): number {
    return this.labels[this.index(i, j, k)];
  }

  getProvenance(i: number, j: number, k: number): number {
    return this.provenance[this.index(i, j, k)];
  }

  /** Sets a voxel; returns whether anything changed. Announced at the next `flushChanges`. */
  set(i: number, j: number, k: number, label: number, provenance: ProvenanceValue = Provenance.Human): boolean {
    return this.write(this.index(i, j, k), i, j, k, label, provenance);
  }

  /** `set` by flat voxel index. */
  setAt(index: number, label: number, provenance: ProvenanceValue = Provenance.Human): boolean {
    if (this.labels[index] === label && this.provenance[index] === provenance) return false;
    const nx = this.size[0], ny = this.size[1];
    const i = index % nx;
    const rest = (index - i) / nx;
    const j = rest % ny;
    return this.write(index, i, j, (rest - j) / ny, label, provenance);
  }

  private write(index: number, i: number, j: number, k: number, label: number, provenance: number): boolean {
    const labels = this.labels, prov = this.provenance;
    if (labels[index] === label && prov[index] === provenance) return false;
    this.recorder?.beforeWrite(index, labels[index], prov[index]);
    labels[index] = label;
    prov[index] = provenance;
    if (i < this.di0) this.di0 = i; if (i > this.di1) this.di1 = i;
    if (j < this.dj0) this.dj0 = j; if (j > this.dj1) this.dj1 = j;
    if (k < this.dk0) this.dk0 = k; if (k > this.dk1) this.dk1 = k;
    return true;
  }

  /** Announces the voxels changed since the last flush as one dirty box; returns it (null when nothing changed). */
  flushChanges(source: ChangeSource = 'edit'): VoxelBox | null {
    if (this.di0 > this.di1) return null;
    const box: VoxelBox = { i0: this.di0, j0: this.dj0, k0: this.dk0, i1: this.di1, j1: this.dj1, k1: this.dk1 };
    this.di0 = this.dj0 = this.dk0 = Infinity;
    this.di1 = this.dj1 = this.dk1 = -Infinity;
    this.emit({ box, source });
    return box;
  }

  /** For code that wrote `labels`/`provenance` directly (undo, loading): announce the region. */
  markChanged(box: VoxelBox, source: ChangeSource): void {
    this.emit({ box, source });
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: LabelmapListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: LabelmapChange): void {
    for (const listener of this.listeners) listener(change);
  }

  /** Installs the hook that sees old values before each write (one at a time; null removes it). */
  setRecorder(recorder: LabelmapWriteRecorder | null): void {
    if (recorder && this.recorder && recorder !== this.recorder) throw new Error('The labelmap already has a write recorder');
    this.recorder = recorder;
  }

  sliceView(orientation: Orientation, index: number): SliceView {
    return sliceView(this.size, orientation, index);
  }

  sliceCount(orientation: Orientation): number {
    return sliceCount(this.size, orientation);
  }

  /** Copies a slice's labels into a width*height array (row v, column u). */
  extractSlice(orientation: Orientation, index: number, target?: Uint8Array): Uint8Array {
    const view = this.sliceView(orientation, index);
    const out = target ?? new Uint8Array(view.width * view.height);
    if (out.length !== view.width * view.height) throw new RangeError('Slice target has the wrong length');
    const labels = this.labels;
    for (let v = 0, p = 0; v < view.height; v++) {
      let voxel = view.origin + v * view.strideV;
      for (let u = 0; u < view.width; u++, voxel += view.strideU) out[p++] = labels[voxel];
    }
    return out;
  }

  /** Voxels holding `label`. */
  countLabel(label: number): number {
    let n = 0;
    for (const l of this.labels) if (l === label) n++;
    return n;
  }

  /**
   * Writes a model's labels with provenance "model-proposed". Voxels whose label changes or that the
   * model labels non-zero are written; background that stays background keeps its provenance, so a
   * run costs history only in proportion to what it proposes. Returns the voxels changed.
   */
  applyModelResult(result: Uint8Array, options: ApplyModelResultOptions = {}): number {
    const box = options.box ?? wholeBox(this.size);
    const keepHuman = options.keepHumanEdits ?? true;
    const bw = box.i1 - box.i0 + 1, bh = box.j1 - box.j0 + 1, bd = box.k1 - box.k0 + 1;
    if (box.i0 < 0 || box.j0 < 0 || box.k0 < 0 || box.i1 >= this.size[0] || box.j1 >= this.size[1] || box.k1 >= this.size[2]) {
      throw new RangeError('Model result box reaches outside the labelmap');
    }
    if (result.length !== bw * bh * bd) {
      throw new RangeError(`Model result holds ${result.length} voxels; its ${bw}x${bh}x${bd} region has ${bw * bh * bd}`);
    }
    const labels = this.labels, prov = this.provenance;
    let changed = 0;
    for (let k = box.k0, r = 0; k <= box.k1; k++) {
      for (let j = box.j0; j <= box.j1; j++) {
        let index = this.index(box.i0, j, k);
        for (let i = box.i0; i <= box.i1; i++, index++, r++) {
          const proposed = result[r];
          if (keepHuman && isCorrection(prov[index])) continue;
          if (proposed === 0 && labels[index] === 0) continue;
          if (this.write(index, i, j, k, proposed, Provenance.Model)) changed++;
        }
      }
    }
    this.flushChanges('model');
    return changed;
  }

  /** Replaces everything (opening a saved labelmap); not an edit, so not recorded by history. */
  replaceAll(labels: Uint8Array, provenance?: Uint8Array): void {
    if (labels.length !== this.labels.length || (provenance && provenance.length !== this.labels.length)) {
      throw new RangeError('Replacement labelmap has a different voxel count');
    }
    this.labels.set(labels);
    if (provenance) this.provenance.set(provenance);
    else this.provenance.fill(Provenance.None);
    this.markChanged(wholeBox(this.size), 'load');
  }

  /**
   * Fills `target` (RGBA, width*height*4) with the label layer of one slice, laid out by `layout`.
   * With `rect`, only that rectangle is redrawn (the fast path after a brush stamp; pass
   * `boxRectOnSlice(change.box, …)`).
   */
  renderSliceRGBA(
    orientation: Orientation,
    index: number,
    colors: LabelColors,
    opacity: number,
    outline: boolean,
    target: Uint8ClampedArray,
    rect?: SliceRect | null,
    layout?: SliceLayout,
  ): void {
    renderLabelSliceRGBA(this.labels, this.size, orientation, index, target, { colors, opacity, outline, rect, layout });
  }
}
