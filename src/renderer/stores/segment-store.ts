// Auto-segmentation: the model list, the chosen model, the running job's progress (from the engine's
// progress events) and how the last run went (execution provider, time).
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Device, ModelSummary, StudioEvent } from '../../shared/api';
import { messageOf, useNoticeStore } from './notice-store';
import { studio } from '../api/studio-client';
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
  providerNote?: string;
  slices: number;
  seconds: number;
  changed: number;
}

function newJobId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `job-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export const useSegmentStore = defineStore('segment', () => {
  const notices = useNoticeStore();
  const models = ref<ModelSummary[]>([]);
  const selectedId = ref<string | null>(null);
  const device = ref<Device>('auto');
  const job = ref<SegmentJob | null>(null);
  const lastRun = ref<SegmentRun | null>(null);
  const loadingModels = ref(false);

  const selected = computed(() => models.value.find((m) => m.id === selectedId.value) ?? null);

  async function refreshModels(): Promise<void> {
    loadingModels.value = true;
    try {
      models.value = await studio().listModels();
      if (!models.value.some((m) => m.id === selectedId.value)) selectedId.value = models.value[0]?.id ?? null;
    } catch (e) {
      notices.error(e, 'Could not list the models');
    } finally {
      loadingModels.value = false;
    }
  }

  function onEvent(event: StudioEvent): void {
    const j = job.value;
    if (event.kind !== 'progress' || !j || event.jobId !== j.jobId) return;
    j.done = event.done;
    j.total = event.total;
    if (event.message) j.message = event.message;
  }

  async function run(scope: SegmentScope): Promise<void> {
    const cases = useOpenCaseStore();
    const model = selected.value;
    const summary = cases.summary;
    if (!model || !summary || cases.local || job.value) return;
    const depth = cases.image?.size[2] ?? 1;
    const k = useViewStore().cursor[2]; // the engine segments k slices
    const sliceRange: [number, number] = scope === 'slice' ? [k, k + 1] : [0, depth];
    const jobId = newJobId();
    job.value = { jobId, scope, done: 0, total: sliceRange[1] - sliceRange[0], message: `Starting ${model.manifest.name}…`, cancelling: false };
    try {
      const result = await studio().segmentCase({
        caseId: summary.id, model: model.id, device: device.value, jobId,
        ...(scope === 'slice' ? { slices: k } : {}),
      });
      if (cases.summary?.id !== summary.id) return; // the user opened another case meanwhile
      const changed = cases.applyModelResult(result, sliceRange);
      lastRun.value = {
        model: result.model, provider: result.provider, providerNote: result.providerNote,
        slices: result.slices, seconds: result.seconds, changed,
      };
      notices.info(`${model.manifest.name}: ${result.slices} slice(s) in ${result.seconds.toFixed(1)} s on ${result.provider}; ${changed} voxels changed (one undo step).`);
      if (result.providerNote) notices.warning(result.providerNote);
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

  return { models, selectedId, selected, device, job, lastRun, loadingModels, refreshModels, onEvent, run, cancel };
});
