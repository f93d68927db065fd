// Auto-segmentation: the model list (the open image's modality first), the chosen model (remembered
// per modality), the device, the running job's progress (from the engine's progress events), how the
// last run on this case went, and the question asked before a model runs on another modality.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Device, ModelSummary, StudioEvent } from '../../shared/api';
import { recall, remember } from '../api/local-memory';
import { newJobId } from '../api/job-ids';
import { studio } from '../api/studio-client';
import { imageFamily, modelMismatch, modelsFor, type ModalityFamily } from '../../shared/model-match';
import { messageOf, useNoticeStore } from './notice-store';
import { useOpenCaseStore } from './open-case-store';
import { useViewStore } from './view-store';

export type SegmentScope = 'case' | 'slice';

export interface SegmentJob {
  jobId: string;
  scope: SegmentScope;
  done: number;
  total: number;
  message: string;
  cancelling: boolean;
}

export interface SegmentRun {
  model: string;
  provider: string;
  /** Why the provider differs from the one asked for (CUDA missing). */
  providerNote?: string;
  /** First run with this note in the session: the panel says it in a line; later only as a tooltip. */
  noteIsNew: boolean;
  slices: number;
  seconds: number;
  changed: number;
}

export const useSegmentStore = defineStore('segment', () => {
  const notices = useNoticeStore();
  const cases = useOpenCaseStore();
  const models = ref<ModelSummary[]>([]);
  const selectedId = ref<string | null>(null);
  const device = ref<Device>(recall<Device>('device') ?? 'auto');
  const job = ref<SegmentJob | null>(null);
  const lastRun = ref<SegmentRun | null>(null);
  const loadingModels = ref(false);
  /** A run waiting for the user's yes: the model does not suit the image, and why. */
  const confirming = ref<{ scope: SegmentScope; reason: string } | null>(null);
  const notesShown = new Set<string>();
  /** Case + model pairs the user said yes to (asked once per pair). */
  const confirmed = new Set<string>();

  const selected = computed(() => models.value.find((m) => m.id === selectedId.value) ?? null);
  const family = computed<ModalityFamily>(() => (cases.image ? imageFamily(cases.image) : 'unknown'));
  const grouped = computed(() => modelsFor(models.value, family.value));

  /** The model remembered for this modality, else its first model, else the first of all. */
  function pickModel(): void {
    const remembered = recall<Record<string, string>>('modelFor')?.[family.value];
    const { matching, others } = grouped.value;
    const pick = [remembered, selectedId.value].find((id) => matching.some((m) => m.id === id))
      ?? matching[0]?.id ?? [remembered, selectedId.value].find((id) => others.some((m) => m.id === id)) ?? others[0]?.id ?? null;
    selectedId.value = pick;
  }

  function choose(id: string): void {
    selectedId.value = id;
    confirming.value = null;
    remember('modelFor', { ...recall<Record<string, string>>('modelFor'), [family.value]: id });
  }

  async function refreshModels(): Promise<void> {
    loadingModels.value = true;
    try {
      // Click-guided models answer clicks (the AI-clicks tool), not a whole-case run.
      models.value = (await studio().listModels()).filter((m) => !m.manifest.interaction);
      pickModel();
    } catch (e) {
      notices.error(e, 'Could not list the models');
    } finally {
      loadingModels.value = false;
    }
  }

  // Another case: the last run and any open question were about the old one.
  watch(() => cases.summary?.id, () => {
    lastRun.value = null;
    confirming.value = null;
    pickModel();
  });
  watch(device, (d) => remember('device', d));

  function onEvent(event: StudioEvent): void {
    const j = job.value;
    if (event.kind !== 'progress' || !j || event.jobId !== j.jobId) return;
    j.done = event.done;
    j.total = event.total;
    if (event.message) j.message = event.message;
  }

  /** Runs the chosen model; on an image of another modality it first asks (`confirming`). */
  async function run(scope: SegmentScope, answer?: 'yes'): Promise<void> {
    const model = selected.value;
    const summary = cases.summary, image = cases.image;
    if (!model || !summary || !image || cases.local || job.value) return;
    const pair = `${summary.id}\n${model.id}`;
    const mismatch = modelMismatch(model, image);
    if (answer === 'yes') confirmed.add(pair);
    if (mismatch && !confirmed.has(pair)) {
      confirming.value = { scope, reason: mismatch };
      return;
    }
    confirming.value = null;
    const depth = image.size[2];
    const k = useViewStore().cursor[2]; // the engine segments k slices
    const sliceRange: [number, number] = scope === 'slice' ? [k, k + 1] : [0, depth];
    const jobId = newJobId();
    job.value = { jobId, scope, done: 0, total: sliceRange[1] - sliceRange[0], message: `Starting ${model.manifest.name}…`, cancelling: false };
    try {
      const result = await studio().segmentCase({
        caseId: summary.id, model: model.id, device: device.value, jobId,
        // The user answered the question about another modality: the engine would refuse otherwise.
        allowOtherModality: mismatch !== null,
        ...(scope === 'slice' ? { slices: k } : {}),
      });
      if (cases.summary?.id !== summary.id) return; // the user opened another case meanwhile
      const changed = cases.applyModelResult(result, sliceRange);
      const note = result.providerNote;
      const noteIsNew = Boolean(note && !notesShown.has(note));
      if (note) notesShown.add(note);
      lastRun.value = { model: result.model, provider: result.provider, providerNote: note, noteIsNew, slices: result.slices, seconds: result.seconds, changed };
    } catch (e) {
      if (job.value?.cancelling) notices.info('Segmentation cancelled; the labelmap was not changed.');
      else notices.error(new Error(messageOf(e)), 'Segmentation failed');
    } finally {
      job.value = null;
    }
  }

  async function cancel(): Promise<void> {
    const j = job.value;
    if (!j) return;
    j.cancelling = true;
    try {
      await studio().cancelJob(j.jobId);
    } catch (e) {
      notices.error(e, 'Could not cancel');
    }
  }

  return {
    models, grouped, selectedId, selected, device, job, lastRun, loadingModels, confirming,
    refreshModels, choose, onEvent, run, cancel,
  };
});
