// The provider probe behind `medseg doctor` and the app's device menu: what ONNX Runtime can run on
// here, and for CUDA every library it needs, found (where) or missing (where it looked), the driver
// and GPU, and the commands that fix what is missing. File checks only, no CUDA call, so it is cheap
// enough to run before every model load; the doctor adds a real load test.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceReport, ExecutionProviderStatus, GpuStatus, SharedLibraryStatus } from '../../shared/device-report';
import { CUDA_LIBRARIES, CUDA_PROVIDER_PACKAGE, PROVIDER_MARKER, bindingDirectory, bindingVersion } from './cuda-provider-build';
import { findSharedLibrary, loaderEnvironment, searchedPlaces, type LoaderEnvironment } from './library-search';
import { cudaLoadTest } from './cuda-load-test';

export interface ProbeOptions {
  platform?: string;
  /** Where the binding loads providers (default: onnxruntime-node's own folder). */
  providerDirectory?: string;
  loader?: LoaderEnvironment;
  /** Root of /proc (driver version, GPUs). */
  procRoot?: string;
  /** GPUs and driver as nvidia-smi reports them; null when there is no nvidia-smi. */
  nvidiaSmi?: () => { gpus: GpuStatus[]; driver: string | null } | null;
  /** Run a real CUDA session on this model when the provider is installed. */
  loadTestModel?: string;
}

const SETUP_COMMAND = 'npm run setup:cuda';

function queryNvidiaSmi(): { gpus: GpuStatus[]; driver: string | null } | null {
  const r = spawnSync('nvidia-smi', ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) return null;
  const rows = r.stdout.trim().split('\n').filter(Boolean).map((line) => line.split(',').map((s) => s.trim()));
  return { gpus: rows.map(([name, mib]) => ({ name, memoryMiB: Number.isFinite(Number(mib)) ? Number(mib) : null })), driver: rows[0]?.[2] ?? null };
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The kernel driver's version and GPUs, from /proc (no nvidia-smi needed). */
function procNvidia(procRoot: string): { gpus: GpuStatus[]; driver: string | null } {
  const version = readText(join(procRoot, 'driver', 'nvidia', 'version'));
  const driver = version ? (/Kernel Module\s+([\d.]+)/.exec(version)?.[1] ?? null) : null;
  const gpuRoot = join(procRoot, 'driver', 'nvidia', 'gpus');
  let gpus: GpuStatus[] = [];
  try {
    gpus = readdirSync(gpuRoot).map((bus) => {
      const info = readText(join(gpuRoot, bus, 'information')) ?? '';
      return { name: /Model:\s*(.+)/.exec(info)?.[1].trim() ?? `NVIDIA GPU at ${bus}`, memoryMiB: null };
    });
  } catch {
    // no GPUs listed
  }
  return { gpus, driver };
}

function cudaProviderStatus(directory: string, runtime: string): ExecutionProviderStatus {
  const files = CUDA_PROVIDER_PACKAGE.files.map((f) => ({ name: f.name, path: join(directory, f.name), present: existsSync(join(directory, f.name)) }));
  const installed = files.every((f) => f.present);
  let version: string | null = null;
  const marker = readText(join(directory, PROVIDER_MARKER));
  if (marker) {
    try {
      version = (JSON.parse(marker) as { onnxRuntime?: string }).onnxRuntime ?? null;
    } catch {
      version = null;
    }
  }
  // The provider talks to the core through an unversioned C++ interface: only the same release is safe.
  const problem = installed && version && version !== runtime
    ? `the CUDA provider was built for ONNX Runtime ${version} but the app runs ${runtime}` : null;
  return { name: 'cuda', installed, version, directory, files, problem };
}

function uniq(values: string[]): string[] {
  return [...new Set(values)];
}

function fixesFor(cuda: ExecutionProviderStatus, libraries: SharedLibraryStatus[], gpus: GpuStatus[]): string[] {
  const fixes: string[] = [];
  if (!cuda.installed || cuda.problem) fixes.push(cuda.problem ? `npm ci && ${SETUP_COMMAND}` : SETUP_COMMAND);
  const absent = libraries.filter((l) => l.required && !l.path && !l.outsideLoaderPath);
  const packages = uniq(absent.flatMap((l) => CUDA_LIBRARIES.find((c) => c.name === l.name)?.aptPackage ?? []));
  if (packages.length) {
    fixes.push(`sudo apt-get install -y ${packages.join(' ')}   # from NVIDIA's CUDA apt repository (add it with its cuda-keyring package)`);
  }
  for (const dir of uniq(libraries.flatMap((l) => (l.required && !l.path && l.outsideLoaderPath ? [l.outsideLoaderPath.replace(/\/[^/]+$/, '')] : [])))) {
    fixes.push(`echo ${dir} | sudo tee /etc/ld.so.conf.d/medseg-cuda.conf && sudo ldconfig`);
  }
  if (absent.some((l) => l.name === 'libcuda.so.1') || gpus.length === 0) {
    fixes.push('sudo apt-get install -y nvidia-driver   # Debian (non-free); Ubuntu: sudo ubuntu-drivers install. CUDA 13 needs driver 580 or newer');
  }
  return uniq(fixes);
}

function missingFor(cuda: ExecutionProviderStatus, libraries: SharedLibraryStatus[], gpus: GpuStatus[]): string[] {
  const missing: string[] = [];
  if (!cuda.installed) {
    missing.push(`the CUDA execution provider (${cuda.files.filter((f) => !f.present).map((f) => f.name).join(', ')} in ${cuda.directory})`);
  }
  if (cuda.problem) missing.push(cuda.problem);
  for (const l of libraries.filter((x) => x.required && !x.path)) {
    missing.push(l.outsideLoaderPath ? `${l.name} (${l.what}): at ${l.outsideLoaderPath}, where the loader does not look` : `${l.name} (${l.what})`);
  }
  if (gpus.length === 0) missing.push('an NVIDIA GPU (nvidia-smi and /proc/driver/nvidia list none)');
  return missing;
}

/** Whether a CUDA session is worth trying: the provider and every library it needs are in place. */
export function cudaLoadable(report: DeviceReport): boolean {
  const cuda = report.providers.find((p) => p.name === 'cuda');
  return !!cuda?.installed && !cuda.problem && report.libraries.every((l) => !l.required || l.path !== null);
}

export async function probeDevices(options: ProbeOptions = {}): Promise<DeviceReport> {
  const platform = options.platform ?? `${process.platform}-${process.arch}`;
  const runtime = bindingVersion();
  const directory = options.providerDirectory ?? bindingDirectory();
  const cpu: ExecutionProviderStatus = { name: 'cpu', installed: true, version: runtime, directory, files: [], problem: null };
  if (platform !== 'linux-x64') {
    const cuda: ExecutionProviderStatus = { name: 'cuda', installed: false, version: null, directory, files: [], problem: `${SETUP_COMMAND} supports Linux x64 only, not ${platform}` };
    return { platform, onnxRuntime: runtime, providers: [cpu, cuda], libraries: [], searched: [], driver: { version: null, library: null }, gpus: [],
      loadTest: null, cudaReady: false, missing: [cuda.problem!], fixes: [] };
  }
  const loader = options.loader ?? loaderEnvironment();
  const libraries: SharedLibraryStatus[] = CUDA_LIBRARIES.map((l) => ({ name: l.name, what: l.what, required: l.required, ...findSharedLibrary(l.name, loader) }));
  const smi = (options.nvidiaSmi ?? queryNvidiaSmi)();
  const proc = procNvidia(options.procRoot ?? '/proc');
  const gpus = smi?.gpus.length ? smi.gpus : proc.gpus;
  const driver = { version: smi?.driver ?? proc.driver, library: libraries.find((l) => l.name === 'libcuda.so.1')?.path ?? null };
  const cuda = cudaProviderStatus(directory, runtime);
  const missing = missingFor(cuda, libraries, gpus);
  const report: DeviceReport = {
    platform, onnxRuntime: runtime, providers: [cpu, cuda], libraries, searched: searchedPlaces(loader), driver, gpus,
    loadTest: null, cudaReady: missing.length === 0, missing, fixes: fixesFor(cuda, libraries, gpus),
  };
  // With libraries missing the load test shows the loader agreeing with the probe (it names the first).
  if (options.loadTestModel && cuda.installed) {
    report.loadTest = await cudaLoadTest(options.loadTestModel);
    if (!report.loadTest.ok && report.cudaReady) {
      report.cudaReady = false;
      report.missing.push(`a working CUDA session (${report.loadTest.message})`);
    }
  }
  return report;
}
