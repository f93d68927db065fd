// The case open in the page: image, labelmap + undo history (kept out of Vue's deep reactivity),
// the label list, autosave, and opening (progress, cancel, the series picker); it makes the
// labelmap the editor controller's target.
// Every engine call goes through the StudioApi. (The workspace's stored cases are core's
// workspace/case-store.ts; this is the one being looked at and edited.)
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef } from 'vue';
import type { CaseSegmentResult, CaseSummary, OpenedCase, StudioEvent, UploadedFile } from '../../shared/api';
import type { DicomSeriesSummary } from '../../shared/dicom';
import type { Geometry, VolumeImage } from '../../shared/image';
import type { LabelDefinition } from '../../shared/manifest';
import { IMAGE_EXTENSION } from '../../shared/image-names';
import { labelHistogram } from '../../shared/mask-algorithms';
import { Provenance } from '../../shared/provenance';
import { newJobId } from '../api/job-ids';
import { recall, remember } from '../api/local-memory';
import { studio } from '../api/studio-client';
import { keepLargestComponent, Labelmap, LabelmapHistory, removeSmallIslands, type LabelmapChange } from '../editor';
import { useNoticeStore } from './notice-store';
import { useToolStore } from './tool-store';
import { useViewStore } from './view-store';
import { nextLabelColor } from '../../shared/labels';

export type SaveState = 'saved' | 'unsaved' | 'saving' | 'error';

/** An open under way: files read / total from the engine's progress events, cancellable when it has a job. */
export interface Opening {
  what: string;
  jobId: string | null;
  done: number;
  total: number;
  message: string | null;
  cancelled: boolean;
}

/** A folder holding several DICOM series, waiting for the user to pick one. */
export interface SeriesChoice {
  folder: string;
  series: DicomSeriesSummary[];
}

/** What a reload reopens: the source and, for a folder of several series, which one. */
interface LastCase { source: string; seriesUid?: string }

/** Autosave runs this long after the last change. */
export const AUTOSAVE_DELAY_MS = 2000;

function geometryOf(image: VolumeImage): Geometry {
  return { size: [...image.size], spacing: [...image.spacing], origin: [...image.origin], direction: [...image.direction] };
}

export const useOpenCaseStore = defineStore('openCase', () => {
  const notices = useNoticeStore();
  const tools = useToolStore();
  const summary = ref<CaseSummary | null>(null);
  /** An image opened in the page only (benchmarks): never saved or exported. */
  const local = ref(false);
  const image = shallowRef<VolumeImage | null>(null);
  const labelmap = shallowRef<Labelmap | null>(null);
  const history = shallowRef<LabelmapHistory | null>(null);
  const labels = ref<LabelDefinition[]>([]);
  const proposedBy = ref<string | null>(null);
  const recent = ref<CaseSummary[]>([]);
  const opening = ref<Opening | null>(null);
  /** What the app is busy loading ("Opening liver.nii.gz…"), or null. */
  const busy = computed(() => (opening.value ? `Opening ${opening.value.what}…` : null));
  const seriesChoice = ref<SeriesChoice | null>(null);
  const saveState = ref<SaveState>('saved');
  const savedAt = ref<string | null>(null);
  const undo = reactive({ canUndo: false, canRedo: false, undoName: null as string | null, redoName: null as string | null });
  const labelCounts = ref<Record<number, number>>({});

  let unsubscribe: (() => void)[] = [];
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let countTimer: ReturnType<typeof setTimeout> | null = null;
  let changeSeq = 0;
  let saving: Promise<void> | null = null;
  /** Why the engine cannot save this case (read-only or full workspace); the warning at open said so. */
  let readOnly: string | null = null;

  function markDirty(): void {
    changeSeq++;
    scheduleSave();
  }

  function scheduleSave(): void {
    if (local.value || !summary.value) return;
    saveState.value = 'unsaved';
    if (readOnly) return; // no autosave to fail on every stroke: the edits stay here, export still works
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => { saveTimer = null; void save(); }, AUTOSAVE_DELAY_MS);
  }

  /** Saves now if anything changed (or always, with `force`); resolves when the workspace has it. */
  async function save(force = false): Promise<void> {
    if (saveTimer) { clearTimeout(saveTimer); saveTimer = null; }
    if (readOnly) return;
    if (saving) await saving;
    const lm = labelmap.value, s = summary.value;
    if (!lm || !s || local.value || (saveState.value === 'saved' && !force)) return;
    const seq = changeSeq;
    saveState.value = 'saving';
    saving = (async () => {
      try {
        const saved = await studio().saveCase({
          caseId: s.id, labelmap: lm.labels, provenance: lm.provenance,
          labels: labels.value.map((l) => ({ ...l })), proposedBy: proposedBy.value,
        });
        if (summary.value?.id === s.id) {
          savedAt.value = saved.savedAt;
          saveState.value = 'saved';
          if (changeSeq !== seq) scheduleSave(); // edited while saving
        }
      } catch (e) {
        if (summary.value?.id === s.id) saveState.value = 'error';
        notices.error(e, 'Autosave failed (your work is still here; it will be retried on the next change)');
      } finally {
        saving = null;
      }
    })();
    await saving;
  }

  function scheduleCounts(): void {
    if (countTimer) return;
    countTimer = setTimeout(() => { countTimer = null; recount(); }, 250);
  }

  /** Voxels per label in one pass over the volume. */
  function recount(): void {
    const lm = labelmap.value;
    if (!lm) { labelCounts.value = {}; return; }
    const histogram = labelHistogram(lm.labels);
    const counts: Record<number, number> = {};
    histogram.forEach((c, value) => { if (value > 0 && c > 0) counts[value] = c; });
    labelCounts.value = counts;
  }

  function syncUndo(): void {
    const h = history.value;
    undo.canUndo = h?.canUndo ?? false;
    undo.canRedo = h?.canRedo ?? false;
    undo.undoName = h?.nextUndoName ?? null;
    undo.redoName = h?.nextRedoName ?? null;
  }

  function load(opened: OpenedCase, isLocal = false): void {
    for (const off of unsubscribe) off();
    unsubscribe = [];
    readOnly = opened.readOnly ?? null;
    const img = opened.image;
    const lm = new Labelmap(geometryOf(img), opened.labelmap ?? undefined, opened.provenance ?? undefined);
    const h = new LabelmapHistory(lm);
    unsubscribe.push(
      lm.onChange((change: LabelmapChange) => {
        if (change.source !== 'load') markDirty();
      }),
      // Counts follow committed steps (stroke ends, undo, model runs), not every stamp of a stroke.
      h.onChange(() => { syncUndo(); scheduleCounts(); }),
    );
    summary.value = opened.summary;
    local.value = isLocal;
    image.value = img;
    labelmap.value = lm;
    history.value = h;
    labels.value = opened.labels.length > 0 ? opened.labels.map((l) => ({ ...l })) : [{ value: 1, name: 'label 1', color: '#e6194b' }];
    proposedBy.value = opened.summary.proposedBy;
    savedAt.value = opened.summary.savedAt;
    saveState.value = 'saved';
    changeSeq = 0;
    useViewStore().resetForImage(img);
    if (!labels.value.some((l) => l.value === tools.settings.label)) tools.settings.label = labels.value[0].value;
    tools.controller.setTarget({ labelmap: lm, history: h, image: { data: img.data, components: img.components } });
    syncUndo();
    recount();
    for (const warning of opened.warnings) notices.warning(warning);
  }

  /** With `jobId`, the loader's engine job reports progress and can be cancelled. */
  async function openWith(what: string, loader: (jobId?: string) => Promise<OpenedCase>, withJob = false): Promise<boolean> {
    const mine = reactive<Opening>({ what, jobId: withJob ? newJobId() : null, done: 0, total: 0, message: null, cancelled: false });
    opening.value = mine;
    try {
      await save();
      const opened = await loader(mine.jobId ?? undefined);
      if (mine.cancelled) return false; // the engine finished before it heard the cancel
      load(opened);
      remember('lastCase', { source: opened.summary.source, seriesUid: opened.summary.seriesUid } satisfies LastCase);
      return true;
    } catch (e) {
      if (!mine.cancelled) notices.error(e, `Could not open ${what}`);
      return false;
    } finally {
      if (opening.value === mine) opening.value = null;
      void refreshRecent();
    }
  }

  /** Stops the open under way; the case on screen stays. */
  async function cancelOpening(): Promise<void> {
    const o = opening.value;
    if (!o?.jobId || o.cancelled) return;
    o.cancelled = true;
    opening.value = null;
    notices.info(`Opening ${o.what} was cancelled.`);
    try {
      await studio().cancelJob(o.jobId);
    } catch (e) {
      notices.error(e, 'Could not cancel the opening');
    }
  }

  function onEvent(event: StudioEvent): void {
    const o = opening.value;
    if (event.kind !== 'progress' || !o || event.jobId !== o.jobId) return;
    Object.assign(o, { done: event.done, total: event.total, message: event.message ?? null });
  }

  /**
   * Opens a file, or a folder: one holding several DICOM series first asks which (seriesChoice;
   * the picker calls back with the series). `seriesUid` opens that series of the folder.
   */
  async function openPath(path: string, seriesUid?: string): Promise<boolean> {
    seriesChoice.value = null;
    if (seriesUid === undefined && !IMAGE_EXTENSION.test(path)) {
      const series = await listSeries(path);
      if (series.length > 1) {
        seriesChoice.value = { folder: path, series };
        return true;
      }
    }
    return openWith(path, (jobId) => studio().openCase({ path, jobId, ...(seriesUid ? { seriesUid } : {}) }), true);
  }

  /** The folder's series, or none when it cannot tell (then opening it says why). */
  async function listSeries(folder: string): Promise<DicomSeriesSummary[]> {
    const mine = reactive<Opening>({ what: folder, jobId: null, done: 0, total: 0, message: `Listing the DICOM series in ${folder}…`, cancelled: false });
    opening.value = mine;
    try {
      return await studio().listSeries(folder);
    } catch {
      return [];
    } finally {
      if (opening.value === mine) opening.value = null;
    }
  }

  const openSample = () => openWith('the sample case', () => studio().openSampleCase());
  const openUploaded = (files: UploadedFile[]) =>
    openWith(files.length === 1 ? files[0].name : `${files.length} files`, () => studio().openUploadedCase(files));

  /** After a reload: the case the user had open (autosaved work included), else the sample. */
  async function reopenLast(): Promise<void> {
    const stored = recall<LastCase | string>('lastCase');
    const last = typeof stored === 'string' ? { source: stored } : stored;
    if (!(last && await openPath(last.source, last.seriesUid))) await openSample();
  }

  /** Shows an image that lives only in the page (benchmarks, demos): no workspace, no autosave. */
  function openLocal(img: VolumeImage, name: string): void {
    const now = new Date().toISOString();
    load({
      summary: { id: `local:${name}`, name, source: name, openedAt: now, savedAt: null, proposedBy: null, reviewed: false, split: null },
      image: img, labelmap: null, provenance: null, labels: [{ value: 1, name: 'label 1', color: '#e6194b' }], warnings: [],
    }, true);
  }

  async function refreshRecent(): Promise<void> {
    try {
      recent.value = await studio().recentCases();
    } catch {
      // The list is a convenience; the open action reports real problems.
    }
  }

  /** Runs an edit as one undo entry and says what it did. */
  function editStep(name: string, edit: (lm: Labelmap) => number, done: (n: number) => string): void {
    const lm = labelmap.value, h = history.value;
    if (!lm || !h) return;
    try {
      tools.controller.activeTool.cancel();
      const changed = h.transaction(name, () => edit(lm));
      notices.info(done(changed));
    } catch (e) {
      notices.error(e, name);
    }
  }

  /** Says what "Fill between slices" did (from the key or the button: both go through the controller). */
  tools.controller.onChange((event) => {
    if (event.kind !== 'interpolated') return;
    const { result } = event;
    const label = labels.value.find((l) => l.value === event.label)?.name ?? `label ${event.label}`;
    if (result.changed > 0) notices.info(`Filled ${result.filledSlices.length} slice(s) between ${result.keySlices.length} drawn slices of “${label}” (${result.changed} voxels).`);
    else if (result.keySlices.length < 2) notices.info(`Fill between slices needs “${label}” drawn on at least two slices of this view.`);
    else notices.info('No gaps to fill: the drawn slices are next to each other.');
  });

  function removeIslands(label: number, minVoxels: number): void {
    editStep('Remove small islands', (lm) => removeSmallIslands(lm, label, minVoxels), (n) => `Removed ${n} voxels in islands under ${minVoxels} voxels.`);
  }

  function keepLargest(label: number): void {
    editStep('Keep largest component', (lm) => keepLargestComponent(lm, label), (n) => `Kept the largest component; cleared ${n} voxels.`);
  }

  /** Puts a model's result in as one undo step; `sliceRange` [from, to) limits it to the slices it ran on. */
  function applyModelResult(result: CaseSegmentResult, sliceRange?: [number, number]): number {
    const lm = labelmap.value, h = history.value;
    if (!lm || !h) return 0;
    const [nx, ny, nz] = lm.size;
    const [from, to] = sliceRange ?? [0, nz];
    const voxels = result.labelmap.subarray(from * nx * ny, to * nx * ny);
    const box = { i0: 0, j0: 0, k0: from, i1: nx - 1, j1: ny - 1, k1: to - 1 };
    tools.controller.activeTool.cancel();
    const changed = h.transaction(`Model run (${result.model})`, () => lm.applyModelResult(voxels, { box }));
    mergeLabels(result.labels);
    proposedBy.value = result.model;
    markDirty();
    return changed;
  }

  /** Takes the model's label names and colours; labels the model does not know stay. */
  function mergeLabels(incoming: LabelDefinition[]): void {
    const next = labels.value.map((l) => ({ ...l }));
    for (const def of incoming) {
      const existing = next.find((l) => l.value === def.value);
      if (existing) Object.assign(existing, { name: def.name, color: def.color });
      else next.push({ ...def });
    }
    labels.value = next.sort((a, b) => a.value - b.value);
  }

  function addLabel(): LabelDefinition {
    const value = Math.min(255, Math.max(0, ...labels.value.map((l) => l.value)) + 1);
    const def = { value, name: `label ${value}`, color: nextLabelColor(labels.value.map((l) => l.color)) };
    labels.value = [...labels.value, def];
    markDirty();
    return def;
  }

  function updateLabel(value: number, patch: Partial<Pick<LabelDefinition, 'name' | 'color'>>): void {
    labels.value = labels.value.map((l) => (l.value === value ? { ...l, ...patch } : l));
    markDirty();
  }

  /** Marks the case ready for training (after saving what is on screen), or takes it back. */
  async function setReviewed(reviewed: boolean): Promise<void> {
    const s = summary.value;
    if (!s || local.value) return;
    try {
      await save(!savedAt.value);
      const updated = await studio().reviewCase({ caseId: s.id, reviewed });
      if (summary.value?.id === s.id) summary.value = updated;
      notices.info(reviewed ? `${updated.name} is ready for training (${updated.split === 'validation' ? 'held out for validation' : 'training case'}).`
        : `${updated.name} is no longer used for training.`);
    } catch (e) {
      notices.error(e, 'Could not change the review state');
    }
  }

  /** An existing mask in place of the labelmap, as one undo step; every labelled voxel counts as drawn by a human. */
  function applyLoadedMask(name: string, mask: Uint8Array, defs: LabelDefinition[]): number {
    const lm = labelmap.value, h = history.value;
    if (!lm || !h) return 0;
    tools.controller.activeTool.cancel();
    const changed = h.transaction(`Load mask (${name})`, () => {
      let n = 0;
      for (let v = 0; v < mask.length; v++) if (lm.setAt(v, mask[v], mask[v] ? Provenance.Human : Provenance.None)) n++;
      lm.flushChanges('edit');
      return n;
    });
    mergeLabels(defs);
    markDirty();
    return changed;
  }

  return {
    summary, local, image, labelmap, history, labels, proposedBy, recent, busy, opening, seriesChoice, saveState, savedAt, undo, labelCounts,
    openPath, cancelOpening, onEvent, openSample, openUploaded, openLocal, reopenLast, refreshRecent, save, removeIslands, keepLargest,
    applyModelResult, applyLoadedMask, addLabel, updateLabel, setReviewed, recount,
  };
});
