// The one CUDA provider build MedSeg uses: ONNX Runtime 1.29.0's CUDA execution provider for Linux
// x64 (CUDA 13), as the npm registry carries it inside a Unity package. Its files are pinned by
// SHA-256, and what it needs from the system was read off the binaries themselves:
// `readelf -d libonnxruntime_providers_cuda.so` (NEEDED) for the linked libraries, and its strings
// for the ones it dlopens when first used (cuDNN, cuFFT, NVRTC).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ProviderFile {
  name: string;
  /** Path inside the package tarball. */
  inPackage: string;
  sha256: string;
  bytes: number;
}

export interface ProviderPackage {
  name: string;
  version: string;
  /** The ONNX Runtime release the providers were built from: onnxruntime-node is pinned to it. */
  onnxRuntime: string;
  files: ProviderFile[];
}

/** Written beside the providers by setup:cuda: package, version and hashes of what it placed. */
export const PROVIDER_MARKER = 'medseg-cuda-providers.json';

/** Where the providers are fetched from (the only network the setup needs is the npm registry). */
export const CUDA_PROVIDER_PACKAGE: ProviderPackage = {
  name: 'com.github.asus4.onnxruntime.linux-x64-gpu',
  version: '0.4.9',
  onnxRuntime: '1.29.0',
  files: [
    { name: 'libonnxruntime_providers_shared.so', inPackage: 'package/Plugins/Linux/x64/libonnxruntime_providers_shared.so',
      sha256: 'c6a12593396095f5670160e284c35d1700b7708cf3037b7042e2a5200ccae772', bytes: 14632 },
    { name: 'libonnxruntime_providers_cuda.so', inPackage: 'package/Plugins/Linux/x64/libonnxruntime_providers_cuda.so',
      sha256: '56cf3254b118ad837ccc4ed8f6d1b23504bbf7ef91b34cbc0b289cb7f10b3037', bytes: 229780440 },
  ],
};

export interface RequiredLibrary {
  name: string;
  what: string;
  required: boolean;
  /** The package of NVIDIA's CUDA apt repository that ships it (null: comes with the driver). */
  aptPackage: string | null;
}

/** What libonnxruntime_providers_cuda.so 1.29.0 loads, linked first, then those it dlopens. */
export const CUDA_LIBRARIES: readonly RequiredLibrary[] = [
  { name: 'libcudart.so.13', what: 'CUDA 13 runtime', required: true, aptPackage: 'cuda-cudart-13-0' },
  { name: 'libcublas.so.13', what: 'CUDA 13 cuBLAS', required: true, aptPackage: 'libcublas-13-0' },
  { name: 'libcublasLt.so.13', what: 'CUDA 13 cuBLASLt', required: true, aptPackage: 'libcublas-13-0' },
  { name: 'libcurand.so.10', what: 'CUDA 13 cuRAND', required: true, aptPackage: 'libcurand-13-0' },
  { name: 'libcuda.so.1', what: 'NVIDIA driver, 580 or newer for CUDA 13', required: true, aptPackage: null },
  // cuDNN 9's front library loads its parts on first use; convolutions need these.
  { name: 'libcudnn.so.9', what: 'cuDNN 9 for CUDA 13', required: true, aptPackage: 'libcudnn9-cuda-13' },
  { name: 'libcudnn_graph.so.9', what: 'cuDNN 9 graph', required: true, aptPackage: 'libcudnn9-cuda-13' },
  { name: 'libcudnn_ops.so.9', what: 'cuDNN 9 ops', required: true, aptPackage: 'libcudnn9-cuda-13' },
  { name: 'libcudnn_cnn.so.9', what: 'cuDNN 9 convolutions', required: true, aptPackage: 'libcudnn9-cuda-13' },
  { name: 'libcudnn_engines_precompiled.so.9', what: 'cuDNN 9 engines', required: true, aptPackage: 'libcudnn9-cuda-13' },
  { name: 'libcudnn_heuristic.so.9', what: 'cuDNN 9 heuristics', required: true, aptPackage: 'libcudnn9-cuda-13' },
  // Only FFT operators and cuDNN's runtime-compiled engines use these; U-Nets run without them.
  { name: 'libcufft.so.12', what: 'CUDA 13 cuFFT, FFT operators only', required: false, aptPackage: 'libcufft-13-0' },
  { name: 'libnvrtc.so.13', what: 'CUDA 13 NVRTC, cuDNN runtime-compiled engines only', required: false, aptPackage: 'cuda-nvrtc-13-0' },
];

/** The folder onnxruntime-node loads its libraries and execution providers from (beside libonnxruntime). */
export function bindingDirectory(platform: string = process.platform, arch: string = process.arch): string {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('onnxruntime-node/package.json'));
  return join(root, 'bin', 'napi-v6', platform, arch);
}

/** The installed onnxruntime-node version. */
export function bindingVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('onnxruntime-node/package.json') as { version: string }).version;
}
