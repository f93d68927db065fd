// What `medseg doctor` and the app's device menu show: which execution providers ONNX Runtime has
// here, which CUDA libraries the CUDA provider needs and where they were (not) found, the driver and
// GPU, and the exact commands that fix what is missing.

export interface ProviderFileStatus {
  name: string;
  path: string;
  present: boolean;
}

export interface ExecutionProviderStatus {
  name: 'cpu' | 'cuda';
  /** The provider's files are where the binding loads them (the CPU provider is built in). */
  installed: boolean;
  /** ONNX Runtime version the provider files were built for, when known (setup:cuda records it). */
  version: string | null;
  /** Where the binding loads provider libraries from. */
  directory: string;
  files: ProviderFileStatus[];
  /** Why an installed provider cannot be used as it is (e.g. built for another ONNX Runtime version). */
  problem: string | null;
}

export interface SharedLibraryStatus {
  /** The file name the dynamic loader asks for (its soname), e.g. libcublas.so.13. */
  name: string;
  /** What it is, for people ("cuBLAS (CUDA 13)"). */
  what: string;
  /** Optional libraries are needed only by some operators; the shipped models run without them. */
  required: boolean;
  /** Where the loader finds it; null when it does not. */
  path: string | null;
  /** Found only in a folder the loader does not search (needs LD_LIBRARY_PATH or ldconfig). */
  outsideLoaderPath: string | null;
}

export interface GpuStatus {
  name: string;
  memoryMiB: number | null;
}

export interface DeviceReport {
  platform: string;
  /** onnxruntime-node's version (the ONNX Runtime core the app runs). */
  onnxRuntime: string;
  providers: ExecutionProviderStatus[];
  libraries: SharedLibraryStatus[];
  /** Folders looked in for the libraries, in the dynamic loader's order, then the usual CUDA folders. */
  searched: string[];
  driver: { version: string | null; library: string | null };
  gpus: GpuStatus[];
  /** A real CUDA session on a shipped model, in a child process (doctor only; null when not run). */
  loadTest: { ok: boolean; message: string } | null;
  /** Everything CUDA needs was found (and the load test, when run, passed). */
  cudaReady: boolean;
  /** What stops CUDA, one phrase each, by name. */
  missing: string[];
  /** Commands that fix what is missing, in the order to run them. */
  fixes: string[];
}
