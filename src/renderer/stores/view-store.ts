// How the case is looked at: layout, which orientation is large, the crosshair voxel (it picks the
// slice of every view), zoom/pan per view, window/level, label overlay style and the hover readout.
import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import type { VolumeImage } from '../../shared/image';
import { ORIENTATIONS, sliceAxes, type Orientation } from '../editor/slices';
import type { Vec3 } from '../../shared/geometry';
import { FIT_CAMERA, type ViewCamera } from '../viewer/view-transform';
import { autoWindow, defaultWindow, WINDOW_PRESETS, type DisplayWindow } from '../viewer/window-level';

export type Layout = 'one-plus-two' | 'single';

export interface HoverReadout {
  orientation: Orientation;
  voxel: Vec3;
  /** Intensity (one value per channel). */
  value: number[];
  world: Vec3;
  label: number;
}

export const useViewStore = defineStore('view', () => {
  const layout = ref<Layout>('one-plus-two');
  const mainOrientation = ref<Orientation>('axial');
  /** The crosshair voxel; view `o` shows slice cursor[normal(o)]. */
  const cursor = ref<Vec3>([0, 0, 0]);
  const size = ref<Vec3>([1, 1, 1]);
  const cameras = reactive<Record<Orientation, ViewCamera>>({
    axial: { ...FIT_CAMERA }, coronal: { ...FIT_CAMERA }, sagittal: { ...FIT_CAMERA },
  });
  const displayWindow = ref<DisplayWindow>({ width: 400, center: 40 });
  const preset = ref('abdomen');
  const overlayOpacity = ref(0.5);
  const outline = ref(false);
  const showCrosshair = ref(true);
  const hiddenLabels = ref<number[]>([]);
  const hover = ref<HoverReadout | null>(null);
  /** The view under the pointer, so arrow keys scroll the view being looked at. */
  const activeView = ref<Orientation>('axial');
  /** Space is held: left-drag pans. */
  const spaceHeld = ref(false);
  let autoFor: DisplayWindow | null = null;
  let image: VolumeImage | null = null;

  function sliceIndex(orientation: Orientation): number {
    return cursor.value[sliceAxes(orientation).normal];
  }

  function sliceCount(orientation: Orientation): number {
    return size.value[sliceAxes(orientation).normal];
  }

  function setSlice(orientation: Orientation, index: number): void {
    const axis = sliceAxes(orientation).normal;
    const clamped = Math.max(0, Math.min(size.value[axis] - 1, Math.round(index)));
    if (cursor.value[axis] === clamped) return;
    const next = [...cursor.value] as Vec3;
    next[axis] = clamped;
    cursor.value = next;
  }

  function scrollSlice(orientation: Orientation, delta: number): void {
    setSlice(orientation, sliceIndex(orientation) + delta);
  }

  function setCursor(voxel: Vec3): void {
    cursor.value = voxel.map((n, a) => Math.max(0, Math.min(size.value[a] - 1, Math.round(n)))) as Vec3;
  }

  function resetCameras(): void {
    for (const o of ORIENTATIONS) Object.assign(cameras[o], FIT_CAMERA);
  }

  /** A new image: centre the crosshair, fit the views, pick the modality's default window. */
  function resetForImage(next: VolumeImage): void {
    image = next;
    autoFor = null;
    size.value = [...next.size] as Vec3;
    cursor.value = next.size.map((n) => Math.floor(n / 2)) as Vec3;
    resetCameras();
    const initial = defaultWindow(next);
    preset.value = initial.preset;
    displayWindow.value = initial.window;
    if (initial.preset === 'auto') autoFor = initial.window;
    hover.value = null;
    hiddenLabels.value = [];
    // A 2D image has one axial slice: coronal and sagittal views would be one pixel high.
    if (next.size[2] === 1) {
      mainOrientation.value = 'axial';
      layout.value = 'single';
    } else if (layout.value === 'single' && mainOrientation.value === 'axial') {
      layout.value = 'one-plus-two';
    }
  }

  function applyPreset(id: string): void {
    if (id === 'auto') {
      autoFor ??= image ? autoWindow(image.data) : { width: 1, center: 0.5 };
      displayWindow.value = { ...autoFor };
    } else {
      const p = WINDOW_PRESETS.find((x) => x.id === id);
      if (!p) return;
      displayWindow.value = { width: p.width, center: p.center };
    }
    preset.value = id;
  }

  function setWindow(w: DisplayWindow): void {
    displayWindow.value = { width: Math.max(1e-6, w.width), center: w.center };
    preset.value = 'custom';
  }

  function toggleLabel(value: number): void {
    hiddenLabels.value = hiddenLabels.value.includes(value)
      ? hiddenLabels.value.filter((v) => v !== value)
      : [...hiddenLabels.value, value];
  }

  return {
    layout, mainOrientation, cursor, size, cameras, displayWindow, preset, overlayOpacity, outline, showCrosshair,
    hiddenLabels, hover, activeView, spaceHeld,
    sliceIndex, sliceCount, setSlice, scrollSlice, setCursor, resetCameras, resetForImage, applyPreset, setWindow, toggleLabel,
  };
});
