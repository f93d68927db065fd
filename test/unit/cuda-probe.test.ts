// The provider probe: every CUDA library the provider needs, found (where) or missing (by name, with
// where it looked), checked against a made-up machine and against the real dynamic loader here.
import { describe, expect, test } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeDevices, cudaLoadable } from '../../src/core/inference/cuda-probe';
import { CUDA_LIBRARIES, CUDA_PROVIDER_PACKAGE, PROVIDER_MARKER } from '../../src/core/inference/cuda-provider-build';
import { parseLdconfigCache } from '../../src/core/inference/library-search';
import { chooseExecutionProvider, cudaUnavailableMessage } from '../../src/core/inference/execution-provider';
import { isUserError } from '../../src/shared/errors';
import { cudaErrorText } from '../../src/core/inference/cuda-error-text';

const root = mkdtempSync(join(tmpdir(), 'medseg-probe-'));
function folder(name: string, files: string[] = []): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f), 'not a real library');
  return dir;
}

const onLibraryPath = folder('ld-library-path', ['libcudart.so.13']);
const cudaFolder = folder('cuda-13.0/lib64', ['libcublas.so.13']);
const emptyDefaults = folder('defaults');
const noProc = folder('proc');
const noProviders = folder('no-providers');
const loader = { ldLibraryPath: onLibraryPath, cache: new Map<string, string>(), defaults: [emptyDefaults], cudaFolders: [cudaFolder] };
const machine = { platform: 'linux-x64', loader, procRoot: noProc, nvidiaSmi: () => null, providerDirectory: noProviders };

describe('a machine with the CUDA runtime only', () => {
  test('names each missing library, where it looked, and the commands that fix it', async () => {
    const report = await probeDevices(machine);
    const lib = (name: string) => report.libraries.find((l) => l.name === name)!;
    expect(lib('libcudart.so.13').path).toBe(join(onLibraryPath, 'libcudart.so.13'));
    expect(lib('libcublas.so.13')).toMatchObject({ path: null, outsideLoaderPath: join(cudaFolder, 'libcublas.so.13') });
    expect(lib('libcublasLt.so.13')).toMatchObject({ path: null, outsideLoaderPath: null });
    expect(report.searched).toEqual([`${onLibraryPath} (LD_LIBRARY_PATH)`, 'the ld.so cache (ldconfig -p)', emptyDefaults, `${cudaFolder} (usual CUDA folder)`]);

    const missingRequired = CUDA_LIBRARIES.filter((l) => l.required && l.name !== 'libcudart.so.13').map((l) => l.name);
    for (const name of missingRequired) expect(report.missing.some((m) => m.startsWith(`${name} (`))).toBe(true);
    expect(report.missing.some((m) => m.includes('libcufft.so.12'))).toBe(false); // optional
    expect(report.missing).toContain(`libcublas.so.13 (CUDA 13 cuBLAS): at ${join(cudaFolder, 'libcublas.so.13')}, where the loader does not look`);
    expect(report.missing[0]).toMatch(/^the CUDA execution provider \(libonnxruntime_providers_shared\.so, libonnxruntime_providers_cuda\.so in /);
    expect(report.missing.at(-1)).toMatch(/an NVIDIA GPU/);

    expect(report.fixes[0]).toBe('npm run setup:cuda');
    // cuBLASLt is absent, cuBLAS only misplaced: the package that ships both is installed, and the folder made visible.
    expect(report.fixes[1]).toMatch(/^sudo apt-get install -y libcublas-13-0 libcurand-13-0 libcudnn9-cuda-13 /);
    expect(report.fixes).toContain(`echo ${cudaFolder} | sudo tee /etc/ld.so.conf.d/medseg-cuda.conf && sudo ldconfig`);
    expect(report.fixes.at(-1)).toMatch(/nvidia-driver/);
    expect(report.cudaReady).toBe(false);
    expect(cudaLoadable(report)).toBe(false);
    expect(report.loadTest).toBeNull();
  });

  test('providers built for another ONNX Runtime release are named as the problem', async () => {
    const dir = folder('old-providers', CUDA_PROVIDER_PACKAGE.files.map((f) => f.name));
    writeFileSync(join(dir, PROVIDER_MARKER), JSON.stringify({ onnxRuntime: '1.28.0' }));
    const report = await probeDevices({ ...machine, providerDirectory: dir });
    const cuda = report.providers.find((p) => p.name === 'cuda')!;
    expect(cuda).toMatchObject({ installed: true, version: '1.28.0' });
    expect(cuda.problem).toMatch(/built for ONNX Runtime 1\.28\.0 but the app runs /);
    expect(report.fixes[0]).toBe('npm ci && npm run setup:cuda');
  });

  test('everything found: CUDA is worth a try, and the GPU and driver are reported', async () => {
    const all = folder('all-libraries', CUDA_LIBRARIES.map((l) => l.name));
    const providers = folder('providers', CUDA_PROVIDER_PACKAGE.files.map((f) => f.name));
    const report = await probeDevices({ ...machine, providerDirectory: providers, loader: { ...loader, ldLibraryPath: all },
      nvidiaSmi: () => ({ gpus: [{ name: 'NVIDIA H200', memoryMiB: 143771 }], driver: '580.65.06' }) });
    expect(report.missing).toEqual([]);
    expect(report.fixes).toEqual([]);
    expect(report.cudaReady).toBe(true);
    expect(cudaLoadable(report)).toBe(true);
    expect(report.driver).toEqual({ version: '580.65.06', library: join(all, 'libcuda.so.1') });
  });

  test('other platforms are told the provider package is Linux x64 only', async () => {
    const report = await probeDevices({ ...machine, platform: 'win32-x64' });
    expect(report.missing).toEqual(['npm run setup:cuda supports Linux x64 only, not win32-x64']);
  });
});

describe('the execution-provider choice', () => {
  test('--device cuda without the libraries fails with the list; auto runs on CPU and says why', async () => {
    const report = await probeDevices(machine);
    const devices = async () => report;
    const error = await chooseExecutionProvider('cuda', devices).catch((e) => e);
    expect(isUserError(error)).toBe(true);
    expect(error.message).toBe(cudaUnavailableMessage(report));
    expect(error.message).not.toContain('\n');
    for (const name of ['libcublasLt.so.13', 'libcurand.so.10', 'libcudnn.so.9', 'libcuda.so.1']) expect(error.message).toContain(name);
    expect(error.message).toContain(`looked in ${onLibraryPath} (LD_LIBRARY_PATH), the ld.so cache`);
    expect(error.message).toContain('to fix: npm run setup:cuda ; sudo apt-get install -y libcublas-13-0');

    const auto = await chooseExecutionProvider('auto', devices);
    expect(auto.request).toBe('cpu');
    expect(auto.note).toMatch(/^CUDA is not available \(missing the CUDA execution provider .*libcublasLt\.so\.13.*\); ran on CPU\. `medseg doctor` says what to install\.$/);
    expect(await chooseExecutionProvider('cpu', () => Promise.reject(new Error('cpu must not probe')))).toEqual({ request: 'cpu' });
  });
});

describe('this machine, against the dynamic loader itself', () => {
  // process.dlopen hands the name to dlopen(3): a library the loader finds fails later ("did not
  // self-register": it is no Node addon), one it cannot find fails with "cannot open shared object file".
  function loaderFinds(soname: string): boolean {
    try {
      process.dlopen({ exports: {} } as NodeJS.Module, soname);
      return true;
    } catch (e) {
      return !/cannot open shared object file/.test((e as Error).message);
    }
  }

  test.runIf(process.platform === 'linux' && process.arch === 'x64')('every required library is found exactly where dlopen finds one, missing ones by name', async () => {
    const report = await probeDevices();
    for (const lib of report.libraries) {
      expect({ name: lib.name, found: lib.path !== null }).toEqual({ name: lib.name, found: loaderFinds(lib.name) });
      if (lib.required && !lib.path) expect(report.missing.some((m) => m.startsWith(`${lib.name} (`))).toBe(true);
    }
    expect(report.searched).toContain('the ld.so cache (ldconfig -p)');
  });
});

test('the ld.so cache is read as the loader reads it: first entry of a name, this ABI only', () => {
  const cache = parseLdconfigCache([
    '1234 libs found in cache `/etc/ld.so.cache\'',
    '\tlibcudart.so.13 (libc6,x86-64) => /usr/local/cuda-13.0/lib/libcudart.so.13',
    '\tlibcudart.so.13 (libc6,x86-64) => /opt/old/libcudart.so.13',
    '\tlibfoo.so.1 (libc6) => /usr/lib32/libfoo.so.1',
  ].join('\n'));
  expect([...cache]).toEqual([['libcudart.so.13', '/usr/local/cuda-13.0/lib/libcudart.so.13']]);
});

test("ONNX Runtime's CUDA errors are cut down to what a person can act on", () => {
  const ort = '/onnxruntime_src/onnxruntime/core/providers/cuda/cuda_call.cc:154 std::conditional_t<THRW, void, onnxruntime::common::Status> onnxruntime::CudaCall(ERRTYPE, const char*, const char*, SUCCTYPE, const char*, const char*, int) [with ERRTYPE = cudaError; bool THRW = true] /onnxruntime_src/onnxruntime/core/providers/cuda/cuda_call.cc:146 std::conditional_t<THRW, void, onnxruntime::common::Status> [with ERRTYPE = cudaError] CUDA failure 35: CUDA driver version is insufficient for CUDA runtime version ; GPU=-1 ; hostname=vm ; file=/onnxruntime_src/onnxruntime/core/providers/cuda/cuda_execution_provider.cc ; line=345 ; expr=cudaSetDevice(info_.device_id); \n\n';
  expect(cudaErrorText(ort)).toBe('CUDA failure 35: CUDA driver version is insufficient for CUDA runtime version (in cudaSetDevice(info_.device_id))');
  expect(cudaErrorText('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library\nmore')).toBe('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library');
});
