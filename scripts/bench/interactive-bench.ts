// The AI-clicks half of `npm run bench`: each shipped click-guided model answering clicks end to end
// in browser mode — the AI-clicks tool in headless Chromium → HTTP → engine → inference worker →
// the answer written into the labelmap and drawn (src/renderer/viewer/bench-hook.ts aiClicks). The
// clicks are the standard protocol's on a real case when ../shared/data is there (3D-IRCADb p17, a
// 512² CT slice; a Kvasir-SEG test image), computed first through the engine in this process; else
// a synthetic 512² case with clicks on its disc. `clickMsMedian`/`clickMsP95` are the CT model's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import type { ModelSummary, SliceClick, StudioApi } from '../../src/shared/api';
import { createStudio } from '../../src/core/studio';
import { appRoot } from '../../src/core/paths';
import { readImage, writeImage } from '../../src/core/io';
import { readMaskOnGrid } from '../../src/core/masks/evaluate-files';
import { startStudioServer } from '../../src/server/http-transport';
import { DATASET_REFS, dataset, hasSharedData } from '../zoo/datasets';
import { protocolOnSlice } from '../eval/interactive-noc';
import { CHROMIUM, CHROMIUM_ARGS } from './editor-bench';

const CLICKS = 15;

interface BenchCase { image: string; k: number; truth: Uint8Array; width: number; height: number; source: string }

/** Slice k of a mask file as 0/1 for `labels` (any non-zero when absent). */
async function truthOf(image: string, mask: string, labels: number[] | undefined, pick: (perSlice: number[]) => number) {
  const grid = await readImage(image);
  const [width, height, depth] = grid.size;
  const all = await readMaskOnGrid(mask, grid);
  const hit = (v: number): number => ((labels ? labels.includes(v) : v !== 0) ? 1 : 0);
  const areas = Array.from({ length: depth }, (_, k) => all.subarray(k * width * height, (k + 1) * width * height).reduce((n, v) => n + hit(v), 0));
  const k = pick(areas);
  return { k, truth: Uint8Array.from(all.subarray(k * width * height, (k + 1) * width * height), hit), width, height };
}

async function realCase(model: ModelSummary): Promise<BenchCase | null> {
  const ref = model.manifest.modality === 'CT' ? 'ircadb-p17' : 'kvasir:test';
  if (!hasSharedData() || !DATASET_REFS.includes(ref)) return null;
  const split = dataset(ref);
  const pair = split.pairs[0];
  // CT: the slice where the liver is largest; a 2D image has one slice.
  const t = await truthOf(pair.image, pair.mask, split.labels, (areas) => areas.indexOf(Math.max(...areas)));
  return { image: pair.image, ...t, source: `${ref} ${pair.name}, slice ${t.k}` };
}

/** A 512² slice with a bright disc (the structure) on a textured background, as CT (HU) or RGB. */
async function syntheticCase(work: string, model: ModelSummary): Promise<BenchCase> {
  const n = 512;
  const truth = new Uint8Array(n * n);
  const grey = new Int16Array(n * n);
  for (let j = 0, p = 0; j < n; j++) {
    for (let i = 0; i < n; i++, p++) {
      truth[p] = (i - 200) ** 2 + (j - 260) ** 2 < 90 ** 2 ? 1 : 0;
      grey[p] = (truth[p] ? 120 : 20) + ((i * 7 + j * 13) % 30);
    }
  }
  const rgb = model.manifest.modality !== 'CT';
  const geometry = { size: [n, n, 1] as [number, number, number], spacing: [0.75, 0.75, 1] as [number, number, number], origin: [0, 0, 0] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
  const image = join(work, rgb ? 'synthetic.png' : 'synthetic.nii.gz');
  await writeImage(image, rgb
    ? { ...geometry, components: 3, pixelType: 'uint8', modality: 'OT', data: Uint8Array.from({ length: n * n * 3 }, (_, v) => grey[Math.floor(v / 3)] + 60) }
    : { ...geometry, components: 1, pixelType: 'int16', modality: 'CT', data: grey });
  return { image, k: 0, truth, width: n, height: n, source: `synthetic 512² ${rgb ? 'RGB' : 'CT'} disc` };
}

/** The protocol's clicks on the case, through the engine: what the page then replays. */
async function protocolClicks(studio: StudioApi, model: string, c: BenchCase): Promise<SliceClick[]> {
  const { summary } = await studio.openCase({ path: c.image });
  const run = await protocolOnSlice(studio, summary.id, model, c.k, c.truth, c.width, c.height, 2, CLICKS);
  return run.clicks;
}

export async function interactiveBench(): Promise<Record<string, unknown>> {
  const work = mkdtempSync(join(tmpdir(), 'medseg-bench-ai-'));
  const models = { shipped: join(appRoot(), 'models'), user: join(work, 'models') };
  const studio = createStudio({ workspace: join(work, 'protocol'), models });
  const clickModels = (await studio.listModels()).filter((m) => m.manifest.interaction);
  if (clickModels.length === 0) return { skipped: 'no click-guided model in models/' };
  const server = await startStudioServer({ studio: createStudio({ workspace: join(work, 'workspace'), models }), staticDir: join(appRoot(), 'out', 'renderer') });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${server.url}&bench`);
    await page.waitForFunction(() => '__medsegBench' in globalThis);
    const hook = (method: string, ...args: unknown[]) =>
      page.evaluate(([m, a]) => ((globalThis as unknown as { __medsegBench: Record<string, (...x: unknown[]) => unknown> }).__medsegBench[m as string])(...(a as unknown[])), [method, args] as const);
    const results = [];
    for (const model of clickModels) {
      const c = (await realCase(model)) ?? (await syntheticCase(work, model));
      const clicks = await protocolClicks(studio, model.id, c);
      await hook('openPath', c.image);
      const times = await hook('aiClicks', { k: c.k, clicks, model: model.id }) as { median: number; p95: number; samples: number; firstMs: number; engine: { median: number } };
      results.push({
        model: model.id, case: c.source, slice: `${c.width}x${c.height}`, clicks: clicks.length,
        clickMsMedian: +times.median.toFixed(1), clickMsP95: +times.p95.toFixed(1), firstClickMs: +times.firstMs.toFixed(1),
        engineMsMedian: +times.engine.median.toFixed(1),
      });
    }
    const ct = results.find((r) => clickModels.find((m) => m.id === r.model)?.manifest.modality === 'CT') ?? results[0];
    return { clickMsMedian: ct.clickMsMedian, clickMsP95: ct.clickMsP95, measuredOn: `${ct.model}, ${ct.case}`, models: results,
      note: 'end to end in browser mode (tool → HTTP → engine → worker → labelmap + draw); the first click, which loads the model, is reported apart' };
  } finally {
    await browser.close();
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
}
