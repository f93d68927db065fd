// The real test of CUDA: ONNX Runtime opens a CUDA session on a model and runs one small input
// (the first convolution is what loads cuDNN). It runs in a child process: a provider that does not
// fit the host can crash its process, and that must not be the app's.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cudaErrorText } from './cuda-error-text';

const CHILD = `
const ort = require(process.env.MEDSEG_ORT);
ort.env.logLevel = 'error';
(async () => {
  const session = await ort.InferenceSession.create(process.env.MEDSEG_MODEL, { executionProviders: ['cuda'] });
  const shape = session.inputMetadata[0].shape.map((d, i) => (typeof d === 'number' && d > 0 ? d : i === 0 ? 1 : i === 1 ? 1 : 64));
  const input = new ort.Tensor('float32', new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  await session.run({ [session.inputNames[0]]: input });
  process.stdout.write(JSON.stringify({ ok: true }));
})().catch((e) => { process.stdout.write(JSON.stringify({ ok: false, message: String(e && e.message || e) })); });
`;

/** The smallest ONNX model in a folder (the shipped models): what the load test runs. */
export function loadTestModel(folder: string): string | undefined {
  try {
    const models = readdirSync(folder).filter((f) => f.endsWith('.onnx')).map((f) => join(folder, f));
    return models.sort((a, b) => statSync(a).size - statSync(b).size)[0];
  } catch {
    return undefined; // no such folder: the probe's file checks alone
  }
}

/** ONNX Runtime's own line saying which library failed to load (it goes to its log, not the error). */
function loaderLine(stderr: string): string | null {
  const m = /Failed to load library (\S+) with error: ([^\n\x1b]+)/.exec(stderr);
  return m ? `${m[1].split('/').pop()}: ${m[2].trim()}` : null;
}

export async function cudaLoadTest(modelPath: string, timeoutMs = 120_000): Promise<{ ok: boolean; message: string }> {
  const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, ['-e', CHILD], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', MEDSEG_ORT: ortPath, MEDSEG_MODEL: modelPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      try {
        const result = JSON.parse(stdout) as { ok: boolean; message?: string };
        if (result.ok) return resolvePromise({ ok: true, message: 'a CUDA session ran a convolution' });
        return resolvePromise({ ok: false, message: loaderLine(stderr) ?? cudaErrorText(result.message ?? '') });
      } catch {
        const how = signal ? `was killed (${signal}${signal === 'SIGKILL' ? ', timed out' : ''})` : `exited with code ${code}`;
        return resolvePromise({ ok: false, message: `the CUDA load test ${how}: ${stderr.trim().split('\n').pop() ?? ''}`.trim() });
      }
    });
  });
}
