// `inference.cudaMsPerSlice`: the 3D-IRCADb series segmented on CUDA, beside the CPU run of the same
// model and series. Present only where CUDA runs; elsewhere `cudaUnavailable` says why.
import type { VolumeImage } from '../../src/shared/image';
import { loadModel, segmentVolume } from '../../src/core/inference';
import { cudaLoadable, probeDevices } from '../../src/core/inference/cuda-probe';
import { dice } from '../../src/core/masks/metrics';

export interface CpuRun { labelmap: Uint8Array; msPerSlice: number }

export async function cudaBench(modelPath: string, series: VolumeImage, cpu: CpuRun): Promise<Record<string, unknown>> {
  const report = await probeDevices();
  if (!cudaLoadable(report)) return { cudaUnavailable: `missing ${report.missing.join(', ')}` };
  let model;
  try {
    model = await loadModel(modelPath, { device: 'cuda' });
  } catch (e) {
    return { cudaUnavailable: (e as Error).message };
  }
  try {
    await segmentVolume(model, series, { slices: [0, Math.min(8, series.size[2])] }); // warm-up: cuDNN picks its kernels
    const result = await segmentVolume(model, series);
    const msPerSlice = (result.seconds * 1000) / result.slices;
    return {
      cudaMsPerSlice: +msPerSlice.toFixed(1),
      cudaVsCpuSpeedup: +(cpu.msPerSlice / msPerSlice).toFixed(2),
      // Same model, same series: the masks should agree (float differences flip only borderline voxels).
      cudaVsCpuMaskDice: +dice(result.labelmap, cpu.labelmap, undefined).toFixed(4),
      cudaGpu: report.gpus.map((g) => g.name).join(', '),
    };
  } finally {
    await model.close();
  }
}
