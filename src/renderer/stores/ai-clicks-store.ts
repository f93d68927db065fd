// AI clicks in the app: the click-guided models installed, the one used for the open image (the
// first of its kind unless the user chose another), the SliceRefiner the AI-clicks tool and
// propagation call (the engine's refineSlice on the open case), and propagation with its progress.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ModelSummary } from '../../shared/api';
import { propagateSlice, type SliceRefiner } from '../editor';
import { studio } from '../api/studio-client';
import { imageFamily, modelsFor } from '../../shared/model-match';
import { useNoticeStore } from './notice-store';
import { useOpenCaseStore } from './open-case-store';
import { useToolStore } from './tool-store';

export const useAiClicksStore = defineStore('aiClicks', () => {
  const notices = useNoticeStore();
  const cases = useOpenCaseStore();
  const models = ref<ModelSummary[]>([]);
  const chosenId = ref<string | null>(null);
  /** Slices written so far while a propagation runs; null when none does. */
  const propagating = ref<number | null>(null);
  /** Engine seconds of the last answer, shown beside the model. */
  const lastSeconds = ref<number | null>(null);

  /** The image's kind of models first; the others stay choosable. */
  const offered = computed(() => {
    const image = cases.image;
    if (!image) return models.value;
    const { matching, others } = modelsFor(models.value, imageFamily(image));
    return [...matching, ...others];
  });
  const model = computed(() => offered.value.find((m) => m.id === chosenId.value) ?? offered.value[0] ?? null);

  async function refreshModels(): Promise<void> {
    try {
      models.value = (await studio().listModels()).filter((m) => m.manifest.interaction);
    } catch (e) {
      notices.error(e, 'Could not list the AI-clicks models');
    }
  }

  const refiner: SliceRefiner = {
    async refine(request) {
      const summary = cases.summary, chosen = model.value;
      if (!summary || !chosen || cases.local) {
        notices.error(new Error(chosen ? 'AI clicks need a case opened through the engine.' : 'No AI-clicks model is installed.'));
        return null;
      }
      try {
        const answer = await studio().refineSlice({ caseId: summary.id, model: chosen.id, ...request });
        lastSeconds.value = answer.seconds;
        return answer.mask;
      } catch (e) {
        notices.error(e, 'AI clicks');
        return null;
      }
    },
  };

  useToolStore().provideRefiner(refiner);

  /** Carries the label of slice k to its neighbours (one undo entry). */
  async function propagate(k: number, label: number): Promise<void> {
    const lm = cases.labelmap, history = cases.history;
    if (!lm || !history || propagating.value !== null) return;
    propagating.value = 0;
    try {
      const result = await propagateSlice(lm, history, refiner, k, label, 'AI propagate', () => { propagating.value! += 1; });
      if (result.stopped === 'ended') notices.info(`AI propagate: the label now reaches ${result.slices.length} more slice(s), one undo step.`);
    } catch (e) {
      notices.error(e);
    } finally {
      propagating.value = null;
    }
  }

  return { models, chosenId, offered, model, propagating, lastSeconds, refreshModels, refiner, propagate };
});
