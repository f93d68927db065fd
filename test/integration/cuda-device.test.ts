// The provider probe from a terminal: `medseg doctor` prints the report as JSON, and `--device cuda`
// on a machine without CUDA's libraries fails with their names in one line (auto runs on the CPU).
import { beforeAll, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeImage } from '../../src/core/io';
import { CUDA_LIBRARIES } from '../../src/core/inference/cuda-provider-build';
import { cudaLoadable, probeDevices } from '../../src/core/inference/cuda-probe';
import type { DeviceReport } from '../../src/shared/device-report';

const dir = mkdtempSync(join(tmpdir(), 'medseg-cuda-cli-'));
let here: DeviceReport;

function medseg(...args: string[]) {
  return spawnSync(process.execPath, ['bin/medseg.mjs', ...args], { encoding: 'utf8', timeout: 180_000, env: { ...process.env, MEDSEG_HOME: join(dir, 'home') } });
}

beforeAll(async () => {
  here = await probeDevices();
  const size: [number, number, number] = [32, 32, 2];
  await writeImage(join(dir, 'ct.nii.gz'), { size, spacing: [1, 1, 2], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    components: 1, pixelType: 'int16', data: new Int16Array(32 * 32 * 2).fill(60), modality: 'CT' });
});

test('medseg doctor: providers, each CUDA library found or missing, GPU, fixes, as JSON', () => {
  const r = medseg('doctor');
  expect(r.status).toBe(0);
  const report = JSON.parse(r.stdout) as DeviceReport;
  expect(report.providers.map((p) => p.name)).toEqual(['cpu', 'cuda']);
  expect(report.libraries.map((l) => l.name)).toEqual(CUDA_LIBRARIES.map((l) => l.name));
  expect(report.libraries.map((l) => l.path)).toEqual(here.libraries.map((l) => l.path));
  // The load test runs whenever the provider is installed, and agrees with the file checks.
  const cuda = report.providers.find((p) => p.name === 'cuda')!;
  expect(report.loadTest !== null).toBe(cuda.installed);
  if (report.loadTest && !cudaLoadable(report)) expect(report.loadTest.ok).toBe(false);
  expect(report.cudaReady).toBe(report.missing.length === 0);
  if (!report.cudaReady) expect(report.fixes.length).toBeGreaterThan(0);
});

test.runIf(process.platform === 'linux')('--device cuda without the libraries: exit 1, one line naming them; auto runs on CPU and says so', () => {
  if (cudaLoadable(here)) return; // this machine has CUDA
  const missing = here.libraries.filter((l) => l.required && !l.path).map((l) => l.name);
  const cuda = medseg('segment', join(dir, 'ct.nii.gz'), '--model', 'unet-liver-ct', '--out', join(dir, 'mask.nii.gz'), '--device', 'cuda');
  expect(cuda.status).toBe(1);
  const lines = cuda.stderr.split('\n').filter((l) => l.startsWith('medseg:'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^medseg: CUDA is not available: missing /);
  for (const name of missing) expect(lines[0]).toContain(name);

  const auto = medseg('segment', join(dir, 'ct.nii.gz'), '--model', 'unet-liver-ct', '--out', join(dir, 'mask.nii.gz'));
  expect(auto.status).toBe(0);
  const result = JSON.parse(auto.stdout);
  expect(result.provider).toBe('cpu');
  expect(result.providerNote).toMatch(/^CUDA is not available \(missing .*\); ran on CPU\./);
});
