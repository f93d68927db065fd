// How the case is looked at: layout, which view is large, the crosshair voxel (it picks the slice
// of every view), how each anatomical view slices the volume, zoom/pan per view, the display
// window, label overlay style and the hover readout.
import { defineStore } from 'pinia';
import { reactive, ref, shallowRef } from 'vue';
import type { Vec3 } from '../../shared/geometry';
import type { VolumeImage } from '../../shared/image';
import { sliceAxes, type Orientation } from '../editor/slices';
import { isPicture } from '../../shared/image';
import { pictureSlicing, VIEW_PLANES, viewSlicing, type ViewPlane, type ViewSlicing } from '../viewer/anatomical-view';
import { autoWindow, defaultWindow, WINDOW_PRESETS, type DisplayWindow } from '../viewer/display-window';
import { FIT_CAMERA, type ViewCamera } from '../viewer/view-transform';

/** four-up: the three slice views and the 3D view. */
export type Layout = 'one-plus-two' | 'four-up' | 'single';

export interface HoverReadout {
  view: ViewPlane;
  voxel: Vec3;
  /** Intensity (one value per channel). */
  value: number[];
  world: Vec3;
  label: number;
}

function slicingsOf(image: VolumeImage | null): Record<ViewPlane, ViewSlicing> {
  const g = image ?? { size: [1, 1, 1] as Vec3, spacing: [1, 1, 1] as Vec3, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
  const picture = image !== null && isPicture(image);
  return Object.fromEntries(VIEW_PLANES.map((v) => [v, picture ? pictureSlicing(g) : viewSlicing(g, v)])) as Record<ViewPlane, ViewSlicing>;
}

export const useViewStore = defineStore('view', () => {
  const layout = ref<Layout>('one-plus-two');
  const mainView = ref<ViewPlane>('axial');
  /** The crosshair voxel; a view shows the slice through it. */
  const cursor = ref<Vec3>([0, 0, 0]);
  const size = ref<Vec3>([1, 1, 1]);
  const slicings = shallowRef<Record<ViewPlane, ViewSlicing>>(slicingsOf(null));
  /** A 2D picture (photo, endoscopy): one view in pixels, no patient directions, no CT windows. */
  const picture = ref(false);
  const cameras = reactive<Record<ViewPlane, ViewCamera>>({
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
  const activeView = ref<ViewPlane>('axial');
  /** Space is held: left-drag pans. */
  const spaceHeld = ref(false);
  let autoFor: DisplayWindow | null = null;
  /** The layout is single because a one-slice image was opened, not because the user chose it. */
  let singleForSlice = false;
  let image: VolumeImage | null = null;

  /** The index plane a view shows. */
  const planeOf = (view: ViewPlane): Orientation => slicings.value[view].plane;
  const normalAxis = (view: ViewPlane) => sliceAxes(planeOf(view)).normal;

  function sliceIndex(view: ViewPlane): number {
    return cursor.value[normalAxis(view)];
  }

  function sliceCount(view: ViewPlane): number {
    return size.value[normalAxis(view)];
  }

  function setSlice(view: ViewPlane, index: number): void {
    const axis = normalAxis(view);
    const clamped = Math.max(0, Math.min(size.value[axis] - 1, Math.round(index)));
    if (cursor.value[axis] === clamped) return;
    const next = [...cursor.value] as Vec3;
    next[axis] = clamped;
    cursor.value = next;
  }

  function scrollSlice(view: ViewPlane, delta: number): void {
    setSlice(view, sliceIndex(view) + delta);
  }

  function setCursor(voxel: Vec3): void {
    cursor.value = voxel.map((n, a) => Math.max(0, Math.min(size.value[a] - 1, Math.round(n)))) as Vec3;
  }

  function resetCameras(): void {
    for (const v of VIEW_PLANES) Object.assign(cameras[v], FIT_CAMERA);
  }

  /** A new image: slice it anatomically, centre the crosshair, fit the views, pick its default window. */
  function resetForImage(next: VolumeImage): void {
    image = next;
    autoFor = null;
    size.value = [...next.size] as Vec3;
    slicings.value = slicingsOf(next);
    picture.value = isPicture(next);
    cursor.value = next.size.map((n) => Math.floor(n / 2)) as Vec3;
    resetCameras();
    const initial = picture.value ? { preset: 'auto', window: autoWindow(next.data) } : defaultWindow(next);
    preset.value = initial.preset;
    displayWindow.value = initial.window;
    if (initial.preset === 'auto') autoFor = initial.window;
    hover.value = null;
    hiddenLabels.value = [];
    // One slice: the other two views would be one pixel high. The next volume gets them back.
    if (next.size[2] === 1) {
      mainView.value = VIEW_PLANES.find((v) => slicings.value[v].plane === 'axial') ?? 'axial';
      layout.value = 'single';
      singleForSlice = true;
    } else if (singleForSlice) {
      layout.value = 'one-plus-two';
      singleForSlice = false;
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
    layout, mainView, cursor, size, slicings, picture, cameras, displayWindow, preset, overlayOpacity, outline, showCrosshair,
    hiddenLabels, hover, activeView, spaceHeld,
    planeOf, sliceIndex, sliceCount, setSlice, scrollSlice, setCursor, resetCameras, resetForImage, applyPreset, setWindow, toggleLabel,
  };
});
