// What both halves of the renderer's bench share (the editor's bench-hook.ts, the 3D view's
// surface-bench.ts): a deterministic CT-like volume to open, and how timings are summarised.
import type { VolumeImage } from '../../shared/image';

export interface BenchTimes {
  median: number;
  p95: number;
  samples: number;
}

export function summarise(times: number[]): BenchTimes {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95), samples: sorted.length };
}

/** A CT-like int16 volume: body ellipse, a brighter "organ", noise; deterministic. */
export function syntheticVolume(size: [number, number, number]): VolumeImage {
  const [nx, ny, nz] = size;
  const data = new Int16Array(nx * ny * nz);
  let seed = 12345;
  for (let k = 0, n = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, n++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const x = (i - nx / 2) / (nx * 0.42), y = (j - ny / 2) / (ny * 0.34);
        const inBody = x * x + y * y < 1;
        const ox = (i - nx * 0.38) / (nx * 0.14), oy = (j - ny * 0.45) / (ny * 0.12);
        const organ = ox * ox + oy * oy < 1 && Math.abs(k - nz / 2) < nz * 0.3;
        data[n] = (inBody ? (organ ? 60 : 20) : -1000) + ((seed >> 16) % 20);
      }
    }
  }
  return {
    size, spacing: [0.8, 0.8, 1.5], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    components: 1, pixelType: 'int16', data, modality: 'CT',
  };
}
