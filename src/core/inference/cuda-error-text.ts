// ONNX Runtime's CUDA errors carry the useful part deep inside a C++ signature
// ("…CudaCall(…) [with ERRTYPE = …] CUDA failure 35: CUDA driver version is insufficient… ; GPU=-1 ;
// … expr=cudaSetDevice(…); "): this pulls out what a person can act on.
export function cudaErrorText(message: string): string {
  const failure = /\b(CUDA|CUBLAS|CUDNN|CURAND|CUFFT) failure (\d+): ([^;]+?)\s*;.*?(?:expr=([^;]+?)\s*;|$)/s.exec(message);
  if (failure) return `${failure[1]} failure ${failure[2]}: ${failure[3].trim()}${failure[4] ? ` (in ${failure[4]})` : ''}`;
  return message.split('\n')[0].trim().slice(0, 300);
}
