// `window.__medsegBench`, installed only when the address has "#…&bench": the renderer half of
// `npm run bench` (scripts/bench/editor-bench.ts drives it). It times a brush stamp (apply + label redraw + Konva
// draw of the layers an edit changes) on a 512² slice and a slice switch (image + labels + draw) on a synthetic 512×512×200 volume,
// and AI clicks through the tool on an engine case (scripts/bench/interactive-bench.ts).
import { nextTick } from 'vue';
import { useOpenCaseStore } from '../stores/open-case-store';
import { useToolStore } from '../stores/tool-store';
import { useViewStore } from '../stores/view-store';
import { sliceViews } from './view-registry';
import { summarise, syntheticVolume, type BenchTimes } from './bench-fixtures';
import { surfaceBench } from './surface-bench';
import type { AiClicksTool } from '../editor';
import { useAiClicksStore } from '../stores/ai-clicks-store';

const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

export function installBenchHook(): void {
  const cases = useOpenCaseStore();
  const tools = useToolStore();
  const view = useViewStore();

  const axialView = () => {
    const v = sliceViews.get('axial');
    if (!v) throw new Error('The axial view is not mounted');
    return v;
  };

  (window as unknown as { __medsegBench: unknown }).__medsegBench = {
    ...surfaceBench(cases, view, tools),
    async openSynthetic(size: [number, number, number] = [512, 512, 200]): Promise<void> {
      cases.openLocal(syntheticVolume(size), `synthetic-${size.join('x')}`);
      view.mainView = 'axial';
      await nextTick();
      await frame();
      await frame();
    },

    /** Brush clicks (down + up at one point) with radius `radius` voxels on the axial slice shown. */
    async stamp(options: { radius?: number; count?: number } = {}): Promise<BenchTimes> {
      const { radius = 10, count = 60 } = options;
      const controller = tools.controller;
      if (!cases.labelmap) throw new Error('No case open');
      tools.selectTool('brush');
      tools.settings.brushRadius = radius;
      const v = axialView();
      const k = view.sliceIndex('axial');
      const [nx, ny] = view.size;
      const times: number[] = [];
      for (let n = 0; n < count + 5; n++) {
        const u = radius + ((n * 97) % (nx - 2 * radius)), w = radius + ((n * 61) % (ny - 2 * radius));
        const event = { u, v: w, orientation: view.planeOf('axial'), sliceIndex: k };
        const t0 = performance.now();
        controller.pointerDown(event);
        controller.pointerUp(event);
        v.drawEdits();
        const t = performance.now() - t0;
        if (n >= 5) times.push(t); // the first stamps warm up the JIT
        if (n % 10 === 0) await frame();
      }
      return summarise(times);
    },

    /**
     * Undo memory of typical work on the open volume: 20 brush strokes and one model run over the
     * whole volume (the synthetic organ), as bytes held by the history per voxel it can restore.
     */
    async undoMemory(): Promise<{ bytes: number; changedVoxels: number; bytesPerChangedVoxel: number; brushBytesPerChangedVoxel: number }> {
      const controller = tools.controller, history = cases.history, labelmap = cases.labelmap, image = cases.image;
      if (!history || !labelmap || !image) throw new Error('No case open');
      history.clear();
      tools.selectTool('brush');
      tools.settings.brushRadius = 10;
      const k = view.sliceIndex('axial');
      const [nx, ny] = view.size;
      for (let s = 0; s < 20; s++) {
        const v = 40 + ((s * 23) % (ny - 80));
        const at = (u: number) => ({ u, v, orientation: view.planeOf('axial'), sliceIndex: k });
        controller.pointerDown(at(30));
        for (let u = 30; u < nx - 30; u += 4) controller.pointerMove(at(u));
        controller.pointerUp(at(nx - 30));
      }
      const brushBytesPerChangedVoxel = history.bytesUsed() / history.changedVoxels();
      const organ = new Uint8Array(labelmap.labels.length);
      for (let n = 0; n < organ.length; n++) organ[n] = Number(image.data[n]) >= 60 ? 1 : 0;
      history.transaction('Model run (bench)', () => labelmap.applyModelResult(organ, { keepHumanEdits: true }));
      await frame();
      const bytes = history.bytesUsed(), changedVoxels = history.changedVoxels();
      return { bytes, changedVoxels, bytesPerChangedVoxel: bytes / changedVoxels, brushBytesPerChangedVoxel };
    },

    /** Opens a file as an engine case (AI clicks need one; openSynthetic's case lives in the page only). */
    async openPath(path: string): Promise<void> {
      if (!(await cases.openPath(path))) throw new Error(`Could not open ${path}`);
      view.mainView = 'axial';
      await nextTick();
      await frame();
    },

    /**
     * AI clicks through the tool, each timed from the click to its answer in the labelmap and drawn:
     * tool → HTTP → engine → inference worker → back → one undo entry → label layer. The first
     * click also loads the model; it is reported apart.
     */
    async aiClicks(options: { k: number; clicks: { i: number; j: number; positive: boolean }[]; model: string }): Promise<BenchTimes & { firstMs: number; engine: BenchTimes }> {
      const controller = tools.controller;
      const ai = useAiClicksStore();
      ai.chosenId = options.model;
      const engine: number[] = [];
      tools.selectTool('aiClicks');
      view.setSlice('axial', options.k);
      await nextTick();
      const v = axialView();
      const times: number[] = [];
      for (const c of options.clicks) {
        const event = { u: c.i, v: c.j, orientation: view.planeOf('axial'), sliceIndex: options.k, button: c.positive ? 'primary' as const : 'secondary' as const };
        const t0 = performance.now();
        controller.pointerDown(event);
        controller.pointerUp(event);
        await (controller.activeTool as AiClicksTool).settled();
        v.drawEdits();
        times.push(performance.now() - t0);
        engine.push((ai.lastSeconds ?? NaN) * 1000);
      }
      const [firstMs, ...rest] = times;
      return { ...summarise(rest), firstMs, engine: summarise(engine.slice(1)) };
    },

    /** Steps the axial view through slices: store update → render image + labels → draw. */
    async sliceSwitch(options: { count?: number } = {}): Promise<BenchTimes> {
      const { count = 40 } = options;
      const v = axialView();
      const depth = view.sliceCount('axial');
      const times: number[] = [];
      for (let n = 0; n < count + 3; n++) {
        const t0 = performance.now();
        view.setSlice('axial', (view.sliceIndex('axial') + 7) % depth);
        await nextTick();
        v.drawNow();
        const t = performance.now() - t0;
        if (n >= 3) times.push(t);
        if (n % 10 === 0) await frame();
      }
      return summarise(times);
    },
  };
}
