// The CUDA load test's own process (started by cuda-load-test.ts: a Node child under the CLI and
// browser mode, Electron's utility process in the app). It opens a CUDA session on MEDSEG_MODEL,
// runs one small input (the first convolution is what loads cuDNN) and prints one JSON line.
import * as ort from 'onnxruntime-node';

ort.env.logLevel = 'error';

async function runOnCuda(model: string): Promise<void> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cuda'] });
  const meta = session.inputMetadata[0];
  const dims = meta.isTensor ? meta.shape : [];
  // Free dimensions: batch and channels 1, spatial 64 (small, and a multiple of every model's stride).
  const shape = dims.map((d, i) => (typeof d === 'number' && d > 0 ? d : i < 2 ? 1 : 64));
  const input = new ort.Tensor('float32', new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  await session.run({ [session.inputNames[0]]: input });
}

runOnCuda(process.env.MEDSEG_MODEL ?? '').then(
  () => process.stdout.write(JSON.stringify({ ok: true })),
  (e: unknown) => process.stdout.write(JSON.stringify({ ok: false, message: String((e as Error)?.message ?? e) })),
);
