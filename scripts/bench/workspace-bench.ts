// The workspace half of `npm run bench`, through the StudioApi as a host calls it: opening the
// 3D-IRCADb series as a case (read + register + restore), and autosaving a 512×512×200 labelmap.
// Run alone: `node --import tsx scripts/bench/workspace-bench.ts` (prints the same JSON section).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closeImageIo, readImage, writeImage } from '../../src/core/io';
import { createStudio } from '../../src/core/studio';
import { appRoot } from '../../src/core/paths';

const SAVE_SIZE: [number, number, number] = [512, 512, 200];
const LABELS = [{ value: 1, name: 'liver', color: '#d95f02' }, { value: 2, name: 'tumour', color: '#7570b3' }];
const SERIES = join(appRoot(), '..', 'shared', 'data', '3dircadb-p01', 'ct-dicom');

async function seconds<T>(fn: () => Promise<T>): Promise<[T | Error, number]> {
  const start = performance.now();
  let value: T | Error;
  try { value = await fn(); } catch (e) { value = e as Error; }
  return [value, +((performance.now() - start) / 1000).toFixed(3)];
}

/** A liver-sized ellipsoid with a tumour inside, and provenance as an edited model proposal. */
function workOnGrid([nx, ny, nz]: [number, number, number]) {
  const labelmap = new Uint8Array(nx * ny * nz);
  const provenance = new Uint8Array(labelmap.length);
  for (let k = 0, n = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, n++) {
        const r = ((i - nx * 0.35) / (nx * 0.2)) ** 2 + ((j - ny * 0.5) / (ny * 0.25)) ** 2 + ((k - nz * 0.5) / (nz * 0.35)) ** 2;
        const tumour = ((i - nx * 0.35) ** 2 + (j - ny * 0.5) ** 2 + ((k - nz * 0.5) * 2) ** 2) < 20 ** 2;
        labelmap[n] = tumour ? 2 : r < 1 ? 1 : 0;
        provenance[n] = labelmap[n] === 0 ? 0 : k % 10 === 0 ? 2 : 1;
      }
    }
  }
  return { labelmap, provenance };
}

export async function workspaceBench() {
  const home = mkdtempSync(join(tmpdir(), 'medseg-bench-ws-'));
  const studio = createStudio({ workspace: join(home, 'workspace'), models: { user: join(home, 'models') } });
  try {
    const volume = join(home, 'volume.nii.gz');
    await writeImage(volume, {
      size: SAVE_SIZE, spacing: [0.7, 0.7, 1.5], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
      components: 1, pixelType: 'int16', data: new Int16Array(SAVE_SIZE[0] * SAVE_SIZE[1] * SAVE_SIZE[2]), modality: 'CT',
    });
    const workspace: Record<string, unknown> = { volume: SAVE_SIZE.join('x') };
    const [opened, openSeconds] = await seconds(() => studio.openCase({ path: volume }));
    if (opened instanceof Error) {
      workspace.saveSeconds = `failed: the ${SAVE_SIZE.join('x')} volume did not open as a case after ${openSeconds} s (${opened.message})`;
    } else {
      const work = workOnGrid(SAVE_SIZE);
      const save = () => studio.saveCase({ caseId: opened.summary.id, ...work, labels: LABELS, proposedBy: null });
      await save(); // the first save creates the files; autosave replaces them
      const [saved, saveSeconds] = await seconds(save);
      workspace.saveSeconds = saved instanceof Error ? `failed: ${saved.message}` : saveSeconds;
      workspace.openVolumeSeconds = openSeconds;
    }

    const caseSection: Record<string, unknown> = { series: '3dircadb-p01/ct-dicom (129 slices)' };
    if (!existsSync(SERIES)) {
      caseSection.openSeconds = 'skipped: no ../shared/data';
    } else {
      // The read alone, in the same run: what opening as a case adds is openSeconds − readSeconds.
      [, caseSection.readSeconds] = await seconds(() => readImage(SERIES));
      const [series, openSeriesSeconds] = await seconds(() => studio.openCase({ path: SERIES }));
      caseSection.openSeconds = series instanceof Error ? `failed after ${openSeriesSeconds} s: ${series.message}` : openSeriesSeconds;
      if (!(series instanceof Error)) {
        await studio.saveCase({ caseId: series.summary.id, ...workOnGrid(series.image.size), labels: LABELS, proposedBy: null });
        [, caseSection.reopenWithWorkSeconds] = await seconds(() => studio.openCase({ path: SERIES }));
      }
    }
    return { workspace, case: caseSection };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.stdout.write(JSON.stringify(await workspaceBench(), null, 2) + '\n');
  } finally {
    await closeImageIo();
  }
}
