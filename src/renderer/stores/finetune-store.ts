// Fine-tuning from the app: the jobs of this session (kept current by 'finetune' events, so the
// app stays usable while the trainer runs in its own process) and the selected model's versions.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { FinetuneJob, ModelVersion, StudioEvent, VersionEvaluation } from '../../shared/api';
import { studio } from '../api/studio-client';
import { useNoticeStore } from './notice-store';
import { useSegmentStore } from './segment-store';

export const useFinetuneStore = defineStore('finetune', () => {
  const notices = useNoticeStore();
  const seg = useSegmentStore();
  const jobs = ref<FinetuneJob[]>([]);
  const versions = ref<ModelVersion[]>([]);
  const epochs = ref(10);
  const starting = ref(false);
  /** Every version measured by the engine on the current held-out cases (on request: it runs each model). */
  const evaluation = ref<VersionEvaluation | null>(null);
  const evaluating = ref(false);

  /** The newest job of the selected model. */
  const job = computed(() => jobs.value.find((j) => j.model === seg.selectedId) ?? null);
  const running = computed(() => job.value?.state === 'running');

  function upsert(next: FinetuneJob): void {
    jobs.value = [next, ...jobs.value.filter((j) => j.jobId !== next.jobId)];
  }

  async function refresh(): Promise<void> {
    const id = seg.selectedId;
    if (evaluation.value?.model !== id) evaluation.value = null;
    try {
      jobs.value = await studio().finetuneJobs();
      versions.value = id ? await studio().modelVersions(id) : [];
    } catch (e) {
      notices.error(e, 'Could not read the model versions');
    }
  }

  function onEvent(event: StudioEvent): void {
    if (event.kind !== 'finetune') return;
    const previous = jobs.value.find((j) => j.jobId === event.job.jobId);
    upsert(event.job);
    if (event.job.state !== 'running' && previous?.state === 'running') {
      const notify = event.job.state === 'failed' ? notices.error : event.job.result?.promoted === false ? notices.warning : notices.info;
      notify(event.job.message);
      void refresh();
      void seg.refreshModels();
    }
  }

  async function start(): Promise<void> {
    const id = seg.selectedId;
    if (!id || running.value) return;
    starting.value = true;
    try {
      upsert(await studio().startFinetune({ model: id, epochs: epochs.value, device: seg.device }));
    } catch (e) {
      notices.error(e, 'Could not start fine-tuning');
    } finally {
      starting.value = false;
    }
  }

  async function cancel(): Promise<void> {
    if (job.value?.state === 'running') await studio().cancelJob(job.value.jobId);
  }

  async function evaluate(): Promise<void> {
    const id = seg.selectedId;
    if (!id) return;
    evaluating.value = true;
    try {
      evaluation.value = await studio().evaluateVersions(id);
    } catch (e) {
      notices.error(e, 'Could not measure the versions');
    } finally {
      evaluating.value = false;
    }
  }

  async function makeCurrent(ref: string): Promise<void> {
    try {
      versions.value = await studio().setCurrentVersion(ref);
      notices.info(`${ref} is now the current version.`);
      await seg.refreshModels();
    } catch (e) {
      notices.error(e, 'Could not change the current version');
    }
  }

  return { jobs, versions, epochs, starting, evaluation, evaluating, job, running, refresh, onEvent, start, cancel, evaluate, makeCurrent };
});
