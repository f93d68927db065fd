// The active tool and the editing settings, mirrored both ways with the EditorController: the panel
// edits them here, shortcuts change them in the controller (which tells us through onChange).
import { defineStore } from 'pinia';
import { reactive, ref, shallowRef, watch } from 'vue';
import type { EditorController, ToolId, ToolSettings } from '../editor';

/** Editor tools plus the view's own crosshair tool (click to move the crosshair). */
export type ActiveTool = ToolId | 'crosshair';

export const TOOL_BUTTONS: readonly { id: ActiveTool; name: string; key: string }[] = [
  { id: 'crosshair', name: 'Crosshair', key: 'C' },
  { id: 'brush', name: 'Brush', key: 'B' },
  { id: 'eraser', name: 'Eraser', key: 'E' },
  { id: 'thresholdBrush', name: 'Threshold brush', key: 'T' },
  { id: 'polygon', name: 'Polygon / lasso', key: 'P' },
  { id: 'floodFill', name: 'Flood fill', key: 'F' },
];

export const useToolStore = defineStore('tools', () => {
  const tool = ref<ActiveTool>('brush');
  const label = ref(1);
  const brushRadius = ref(5);
  const brush3D = ref(false);
  const overwriteOtherLabels = ref(false);
  const eraseAnyLabel = ref(false);
  const threshold = reactive({ lo: 100, hi: 300 });
  const floodLimit = reactive({ enabled: false, lo: -100, hi: 300 });
  const islandMinVoxels = ref(100);
  const controller = shallowRef<EditorController | null>(null);
  let detach: (() => void) | null = null;

  function settings(): Partial<ToolSettings> {
    return {
      label: label.value,
      brushRadius: brushRadius.value,
      brush3D: brush3D.value,
      overwriteOtherLabels: overwriteOtherLabels.value,
      eraseAnyLabel: eraseAnyLabel.value,
      thresholdRange: { lo: Math.min(threshold.lo, threshold.hi), hi: Math.max(threshold.lo, threshold.hi) },
      floodIntensityRange: floodLimit.enabled ? { lo: Math.min(floodLimit.lo, floodLimit.hi), hi: Math.max(floodLimit.lo, floodLimit.hi) } : null,
    };
  }

  /** Connects a new case's controller: it takes the current settings and reports shortcut changes back. */
  function attach(next: EditorController | null): void {
    detach?.();
    detach = null;
    controller.value = next;
    if (!next) return;
    Object.assign(next.settings, settings());
    if (tool.value !== 'crosshair') next.selectTool(tool.value);
    detach = next.onChange(() => {
      brushRadius.value = next.settings.brushRadius;
      if (tool.value !== 'crosshair') tool.value = next.activeToolId;
    });
  }

  function selectTool(id: ActiveTool): void {
    tool.value = id;
    if (id !== 'crosshair') controller.value?.selectTool(id);
    else controller.value?.activeTool.cancel();
  }

  watch([label, brushRadius, brush3D, overwriteOtherLabels, eraseAnyLabel, threshold, floodLimit], () => {
    if (controller.value) Object.assign(controller.value.settings, settings());
  }, { deep: true });

  return {
    tool, label, brushRadius, brush3D, overwriteOtherLabels, eraseAnyLabel, threshold, floodLimit, islandMinVoxels, controller,
    attach, selectTool,
  };
});
