// Undo/redo for a labelmap that stores only what changed. A gesture (pointer down → stamps → up)
// or a model run is one entry. While a gesture is open the history is the labelmap's write
// recorder: it keeps the first "before" value of each voxel touched; at the end it reads the
// "after" values, drops voxels that ended where they started, and encodes the rest compactly
// (see change-encoding.ts). Provenance travels with the labels, so undo restores it too.
import { encodeVoxelChanges, forEachVoxelChange } from './change-encoding';
import type { Labelmap, LabelmapWriteRecorder } from './labelmap';
import type { VoxelBox } from './slices';

export interface LabelmapHistoryOptions {
  /** Stored bytes above which the oldest entries are dropped (default 256 MiB). The newest always stays. */
  maxBytes?: number;
}

export interface HistoryEntryInfo {
  name: string;
  changedVoxels: number;
  /** Bytes this entry occupies (encoded changes plus a fixed bookkeeping estimate). */
  bytes: number;
}

interface HistoryEntry extends HistoryEntryInfo {
  changes: Uint8Array;
  box: VoxelBox;
}

export type HistoryListener = () => void;

/** Object, arrays and box of an entry, counted so the memory cap stays honest for tiny entries. */
const ENTRY_OVERHEAD_BYTES = 96;

/** Records first "before" values of the voxels touched during one gesture. */
class GestureRecorder implements LabelmapWriteRecorder {
  /** One bit per voxel: touched in this gesture. Kept between gestures and cleared by index. */
  private touched: Uint8Array | null = null;
  /** Packed index*65536 + label*256 + provenance: one numeric sort orders voxels with their values. */
  private records = new Float64Array(1024);
  count = 0;

  constructor(private readonly voxelCount: number) {}

  beforeWrite(index: number, label: number, provenance: number): void {
    const touched = (this.touched ??= new Uint8Array(Math.ceil(this.voxelCount / 8)));
    const byte = index >>> 3, bit = 1 << (index & 7);
    if (touched[byte] & bit) return;
    touched[byte] |= bit;
    if (this.count === this.records.length) {
      const grown = new Float64Array(this.records.length * 2);
      grown.set(this.records);
      this.records = grown;
    }
    this.records[this.count++] = index * 65536 + label * 256 + provenance;
  }

  /** The records sorted by voxel index; resets the recorder. */
  take(): Float64Array {
    const records = this.records.subarray(0, this.count);
    let sorted = true;
    for (let n = 1; n < records.length && sorted; n++) sorted = records[n] > records[n - 1];
    if (!sorted) records.sort();
    const touched = this.touched;
    if (touched) for (const record of records) touched[Math.floor(record / 65536) >>> 3] = 0;
    this.count = 0;
    const taken = records.slice();
    if (this.records.length > 1 << 16) this.records = new Float64Array(1024); // give back big buffers
    return taken;
  }
}

export class LabelmapHistory {
  private readonly undoStack: HistoryEntry[] = [];
  private readonly redoStack: HistoryEntry[] = [];
  private readonly recorder: GestureRecorder;
  private readonly maxBytes: number;
  private readonly listeners = new Set<HistoryListener>();
  private gestureName = '';
  private gestureDepth = 0;
  private storedBytes = 0;
  private storedVoxels = 0;

  constructor(private readonly labelmap: Labelmap, options: LabelmapHistoryOptions = {}) {
    this.recorder = new GestureRecorder(labelmap.voxelCount);
    this.maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  }

  get gestureOpen(): boolean {
    return this.gestureDepth > 0;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  get undoCount(): number {
    return this.undoStack.length;
  }

  get redoCount(): number {
    return this.redoStack.length;
  }

  /** Name of the entry the next undo would revert ("Brush", "Model run"…), for menus. */
  get nextUndoName(): string | null {
    return this.undoStack.at(-1)?.name ?? null;
  }

  get nextRedoName(): string | null {
    return this.redoStack.at(-1)?.name ?? null;
  }

  /** Starts recording; nested begins join the outer gesture. */
  beginGesture(name: string): void {
    if (this.gestureDepth++ > 0) return;
    this.gestureName = name;
    this.labelmap.setRecorder(this.recorder);
  }

  /** Closes the gesture; returns the new entry, or null when it changed nothing (redo stays then). */
  endGesture(): HistoryEntryInfo | null {
    if (this.gestureDepth === 0) throw new Error('endGesture without beginGesture');
    if (--this.gestureDepth > 0) return null;
    this.labelmap.setRecorder(null);
    this.labelmap.flushChanges();
    const entry = this.encode(this.gestureName, this.recorder.take());
    if (!entry) return null;
    this.redoStack.length = 0;
    this.undoStack.push(entry);
    this.recount();
    this.enforceCap();
    this.emit();
    return { name: entry.name, changedVoxels: entry.changedVoxels, bytes: entry.bytes };
  }

  /** Closes the gesture and puts every voxel it touched back (Escape mid-stroke). */
  cancelGesture(): void {
    if (this.gestureDepth === 0) return;
    this.gestureDepth = 0;
    this.labelmap.setRecorder(null);
    this.labelmap.flushChanges();
    const labels = this.labelmap.labels, provenance = this.labelmap.provenance;
    const records = this.recorder.take();
    for (const record of records) {
      const index = Math.floor(record / 65536);
      labels[index] = (record >>> 8) & 255;
      provenance[index] = record & 255;
    }
    if (records.length > 0) this.labelmap.markChanged(this.boxOf(records.map((r) => Math.floor(r / 65536))), 'history');
  }

  /** Runs `edit` as one entry (a model run, an interpolation); a throw reverts what it wrote. */
  transaction<T>(name: string, edit: () => T): T {
    this.beginGesture(name);
    let result: T;
    try {
      result = edit();
    } catch (error) {
      this.cancelGesture();
      throw error;
    }
    this.endGesture();
    return result;
  }

  undo(): HistoryEntryInfo | null {
    this.closeOpenGesture();
    const entry = this.undoStack.pop();
    if (!entry) return null;
    this.apply(entry, 'before');
    this.redoStack.push(entry);
    this.emit();
    return { name: entry.name, changedVoxels: entry.changedVoxels, bytes: entry.bytes };
  }

  redo(): HistoryEntryInfo | null {
    this.closeOpenGesture();
    const entry = this.redoStack.pop();
    if (!entry) return null;
    this.apply(entry, 'after');
    this.undoStack.push(entry);
    this.emit();
    return { name: entry.name, changedVoxels: entry.changedVoxels, bytes: entry.bytes };
  }

  /** Forgets everything (a new labelmap was loaded). */
  clear(): void {
    this.cancelGesture();
    this.undoStack.length = 0;
    this.redoStack.length = 0;
    this.recount();
    this.emit();
  }

  /** Bytes held by undo and redo entries. */
  bytesUsed(): number {
    return this.storedBytes;
  }

  /** Voxel changes held by undo and redo entries (the denominator for bytes per changed voxel). */
  changedVoxels(): number {
    return this.storedVoxels;
  }

  onChange(listener: HistoryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }

  /** Undo/redo while a stroke is open keeps the stroke as its own entry first: nothing is lost. */
  private closeOpenGesture(): void {
    if (this.gestureDepth === 0) return;
    this.gestureDepth = 1;
    this.endGesture();
  }

  private encode(name: string, records: Float64Array): HistoryEntry | null {
    const labels = this.labelmap.labels, provenance = this.labelmap.provenance;
    const n = records.length;
    const indices = new Uint32Array(n);
    const beforeLabel = new Uint8Array(n), beforeProvenance = new Uint8Array(n);
    const afterLabel = new Uint8Array(n), afterProvenance = new Uint8Array(n);
    let count = 0;
    for (const record of records) {
      const index = Math.floor(record / 65536);
      const bl = (record >>> 8) & 255, bp = record & 255;
      // A voxel painted and erased again within one gesture is no change.
      if (labels[index] === bl && provenance[index] === bp) continue;
      indices[count] = index;
      beforeLabel[count] = bl;
      beforeProvenance[count] = bp;
      afterLabel[count] = labels[index];
      afterProvenance[count] = provenance[index];
      count++;
    }
    if (count === 0) return null;
    const changes = encodeVoxelChanges({ indices, beforeLabel, beforeProvenance, afterLabel, afterProvenance, count });
    return {
      name,
      changes,
      changedVoxels: count,
      bytes: changes.byteLength + ENTRY_OVERHEAD_BYTES,
      box: this.boxOf(indices.subarray(0, count)),
    };
  }

  private apply(entry: HistoryEntry, side: 'before' | 'after'): void {
    const labels = this.labelmap.labels, provenance = this.labelmap.provenance;
    if (side === 'before') {
      forEachVoxelChange(entry.changes, (index, bl, bp) => { labels[index] = bl; provenance[index] = bp; });
    } else {
      forEachVoxelChange(entry.changes, (index, _bl, _bp, al, ap) => { labels[index] = al; provenance[index] = ap; });
    }
    this.labelmap.markChanged(entry.box, 'history');
  }

  private boxOf(indices: ArrayLike<number>): VoxelBox {
    const [nx, ny] = this.labelmap.size;
    const box: VoxelBox = { i0: Infinity, j0: Infinity, k0: Infinity, i1: -Infinity, j1: -Infinity, k1: -Infinity };
    for (let n = 0; n < indices.length; n++) {
      const index = indices[n];
      const i = index % nx, rest = (index - i) / nx, j = rest % ny, k = (rest - j) / ny;
      if (i < box.i0) box.i0 = i; if (i > box.i1) box.i1 = i;
      if (j < box.j0) box.j0 = j; if (j > box.j1) box.j1 = j;
      if (k < box.k0) box.k0 = k; if (k > box.k1) box.k1 = k;
    }
    return box;
  }

  private recount(): void {
    this.storedBytes = 0;
    this.storedVoxels = 0;
    for (const e of this.undoStack) { this.storedBytes += e.bytes; this.storedVoxels += e.changedVoxels; }
    for (const e of this.redoStack) { this.storedBytes += e.bytes; this.storedVoxels += e.changedVoxels; }
  }

  private enforceCap(): void {
    while (this.storedBytes > this.maxBytes && this.undoStack.length > 1) {
      const oldest = this.undoStack.shift()!;
      this.storedBytes -= oldest.bytes;
      this.storedVoxels -= oldest.changedVoxels;
    }
  }
}
