// The renderer half of `npm run bench`: the built app in headless Chromium against an in-process
// browser-mode server, timing a 20-px brush stamp (apply + draw) and a slice switch on a synthetic
// 512×512×200 volume, and measuring undo memory per changed voxel (src/renderer/viewer/bench-hook.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { createStudio } from '../../src/core/studio';
import { appRoot } from '../../src/core/paths';
import { startStudioServer } from '../../src/server/http-transport';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

interface Times { median: number; p95: number; samples: number }
interface Bench {
  openSynthetic(size: [number, number, number]): Promise<void>;
  stamp(options: { radius: number; count: number }): Promise<Times>;
  sliceSwitch(options: { count: number }): Promise<Times>;
  undoMemory(): Promise<{ bytes: number; changedVoxels: number; bytesPerChangedVoxel: number; brushBytesPerChangedVoxel: number }>;
  surfaceUpdate(options: { size: [number, number, number] }): Promise<{ fullSeconds: number; brush: Times; workerSeconds: number; drawSeconds: number; triangles: number }>;
}

export async function editorBench() {
  const home = mkdtempSync(join(tmpdir(), 'medseg-bench-ui-'));
  const server = await startStudioServer({ studio: createStudio({ workspace: join(home, 'workspace') }), staticDir: join(appRoot(), 'out', 'renderer') });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${server.url}&bench`);
    await page.waitForFunction(() => '__medsegBench' in globalThis);
    const run = <M extends keyof Bench>(method: M, ...args: Parameters<Bench[M]>) =>
      // Runs in the page: `globalThis` there is the window the bench hook was installed on.
      page.evaluate(([m, a]) => ((globalThis as unknown as { __medsegBench: Record<string, (...x: unknown[]) => unknown> }).__medsegBench[m])(...a),
        [method, args] as const) as ReturnType<Bench[M]>;
    await run('openSynthetic', [512, 512, 200]);
    const stamp = await run('stamp', { radius: 10, count: 200 });
    const slice = await run('sliceSwitch', { count: 60 });
    const undo = await run('undoMemory');
    const surface = await run('surfaceUpdate', { size: [512, 512, 150] });
    return {
      editor: {
        stampMsMedian: +stamp.median.toFixed(3), stampMsP95: +stamp.p95.toFixed(3), stampSamples: stamp.samples,
        undoMemoryBytesPerChangedVoxel: +undo.bytesPerChangedVoxel.toFixed(3), undoChangedVoxels: undo.changedVoxels,
        undoMemoryBytesPerChangedVoxelBrushOnly: +undo.brushBytesPerChangedVoxel.toFixed(3),
        volume: '512x512x200 int16, 20-px (radius 10) brush, headless Chromium',
      },
      viewer: {
        sliceSwitchMsMedian: +slice.median.toFixed(3), sliceSwitchMsP95: +slice.p95.toFixed(3), sliceSwitchSamples: slice.samples,
        // 3D view: edit → surface re-meshed (worker) and drawn, on a liver-sized label in 512×512×150.
        surfaceUpdateSeconds: +surface.brush.median.toFixed(3), surfaceUpdateSecondsP95: +surface.brush.p95.toFixed(3),
        surfaceUpdateWorkerSeconds: +surface.workerSeconds.toFixed(3), surfaceDrawSeconds: +surface.drawSeconds.toFixed(3),
        surfaceFullUpdateSeconds: +surface.fullSeconds.toFixed(3), surfaceTriangles: surface.triangles,
      },
    };
  } finally {
    await browser.close();
    await server.close();
    rmSync(home, { recursive: true, force: true });
  }
}
