// The editor controller of the app (one, for every case) and its settings. The settings object is
// the controller's own: this store only makes it reactive, so the tool panel and the keys edit one
// object. The active tool id is read from the controller whenever it reports a change. AI clicks
// reach the engine through the refiner the AI-clicks store provides (it knows the case and the
// model; this store must not import it, or the stores would import each other in a circle).
import { defineStore } from 'pinia';
import { computed, markRaw, reactive, ref } from 'vue';
import { DEFAULT_TOOL_SETTINGS, EditorController, toolDefinition, type SliceRefiner, type ToolId, type ToolSettings } from '../editor';
import { useViewStore } from './view-store';

export const useToolStore = defineStore('tools', () => {
  const settings = reactive<ToolSettings>({
    ...DEFAULT_TOOL_SETTINGS,
    // Contrast-enhanced soft tissue to bone (HU): a start the user adjusts.
    thresholdRange: { lo: 100, hi: 300 },
    floodRange: { lo: -100, hi: 300 },
  });
  const view = useViewStore();
  let provided: SliceRefiner | null = null;
  const refiner: SliceRefiner = {
    refine(request) {
      if (!provided) throw new Error('AI clicks are not available in this window.');
      return provided.refine(request);
    },
  };
  const controller = markRaw(new EditorController({ settings, tool: 'brush', navigate: (voxel) => view.setCursor(voxel), refiner }));
  const toolId = ref<ToolId>(controller.activeToolId);
  controller.onChange(() => { toolId.value = controller.activeToolId; });
  const definition = computed(() => toolDefinition(toolId.value));

  function selectTool(id: ToolId): void {
    controller.selectTool(id);
  }

  function provideRefiner(r: SliceRefiner): void {
    provided = r;
  }

  return { settings, controller, toolId, definition, selectTool, provideRefiner };
});
