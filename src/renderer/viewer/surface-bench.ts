// The 3D view's half of `npm run bench` (driven through window.__medsegBench): on a 512×512×150
// synthetic CT with a liver-sized ellipsoid label (≈1.3 M voxels), how long until the surface shown
// has caught up with an edit: a brush dab (the common case) and a whole-volume model result.
import { nextTick } from 'vue';
import { Provenance } from '../../shared/provenance';
import type { useOpenCaseStore } from '../stores/open-case-store';
import type { useToolStore } from '../stores/tool-store';
import type { useViewStore } from '../stores/view-store';
import { summarise, syntheticVolume } from './bench-fixtures';
import { surfaceViews } from './surface-view-handle';

function liverMask(size: [number, number, number]): Uint8Array {
  const [nx, ny, nz] = size;
  const out = new Uint8Array(nx * ny * nz);
  for (let k = 0, n = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, n++) {
    const x = (i - nx * 0.38) / (nx * 0.17), y = (j - ny * 0.45) / (ny * 0.14), z = (k - nz / 2) / (nz * 0.36);
    // A bumpy surface, so meshes are not trivially flat.
    if (x * x + y * y + z * z < 1 + 0.08 * Math.sin(i * 0.13) * Math.cos(j * 0.11)) out[n] = 1;
  }
  return out;
}

export function surfaceBench(cases: ReturnType<typeof useOpenCaseStore>, view: ReturnType<typeof useViewStore>, tools: ReturnType<typeof useToolStore>) {
  const surface = async () => {
    for (let n = 0; n < 100 && !surfaceViews.current; n++) await new Promise((r) => setTimeout(r, 50));
    if (!surfaceViews.current) throw new Error('The 3D view did not mount');
    return surfaceViews.current;
  };

  return {
    async surfaceUpdate(options: { size?: [number, number, number]; stamps?: number } = {}) {
      const { size = [512, 512, 150], stamps = 12 } = options;
      cases.openLocal(syntheticVolume(size), `synthetic-${size.join('x')}`);
      view.layout = 'four-up';
      await nextTick();
      const handle = await surface();
      await handle.idle();
      const labelmap = cases.labelmap!;
      let t0 = performance.now();
      labelmap.applyModelResult(liverMask(size));
      await handle.idle();
      const fullSeconds = (performance.now() - t0) / 1000;
      const triangles = handle.triangles();
      // Brush dabs (radius 10) across the liver's edge on the middle slice.
      tools.selectTool('brush');
      tools.settings.brushRadius = 10;
      const k = Math.floor(size[2] / 2);
      const times: number[] = [], worker: number[] = [], draw: number[] = [];
      for (let n = 0; n < stamps; n++) {
        const event = { u: Math.round(size[0] * (0.38 + 0.17 * Math.cos(n))), v: Math.round(size[1] * (0.45 + 0.14 * Math.sin(n))), orientation: 'axial' as const, sliceIndex: k };
        t0 = performance.now();
        tools.controller.pointerDown(event);
        tools.controller.pointerUp(event);
        await handle.idle();
        times.push((performance.now() - t0) / 1000);
        worker.push(handle.timings().workerSeconds);
        draw.push(handle.timings().drawMs / 1000);
      }
      // The dabs painted as a person: the mask's provenance says so (sanity check that edits landed).
      if (!labelmap.provenance.includes(Provenance.Human)) throw new Error('the brush dabs did not reach the labelmap');
      return { fullSeconds, brush: summarise(times), workerSeconds: summarise(worker).median, drawSeconds: summarise(draw).median, triangles };
    },
  };
}
