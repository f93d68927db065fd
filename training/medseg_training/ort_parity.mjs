// ONNX Runtime parity check for medseg_training.export: runs an ONNX model in onnxruntime-node
// (CPU, graphOptimizationLevel 'all', the way the app runs it) on raw little-endian float32 inputs
// and compares with the expected PyTorch outputs.
//
//   node ort_parity.mjs spec.json
//   spec: { "model": "x.onnx", "graphOptimizationLevel": "all",
//           "cases": [ { "input": "in.f32", "inputShape": [N,C,H,W], "expected": "out.f32", "expectedShape": [...] } ] }
//
// Prints one JSON line: { "maxAbsDiff", "cases": [{ "inputShape", "outputShape", "maxAbsDiff" }],
// "inputNames", "outputNames", "ortVersion" }, or { "error" } with exit code 1.
// onnxruntime-node is resolved from this file's location (the app's node_modules) or $MEDSEG_ORT_MODULE.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

function fail(message) {
  process.stdout.write(JSON.stringify({ error: message }) + '\n');
  process.exit(1);
}

function loadOrt() {
  const require = createRequire(import.meta.url);
  const candidates = [process.env.MEDSEG_ORT_MODULE, 'onnxruntime-node'].filter(Boolean);
  for (const name of candidates) {
    try {
      return require(name);
    } catch {
      // try the next one
    }
  }
  try {
    return createRequire(`${process.cwd()}/`)('onnxruntime-node');
  } catch {
    return fail('onnxruntime-node is not installed: run `npm ci` in the app folder (or set MEDSEG_ORT_MODULE)');
  }
}

function readFloat32(path, shape) {
  const bytes = readFileSync(path);
  const expected = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected * 4) fail(`${path} holds ${bytes.length / 4} floats, shape ${JSON.stringify(shape)} needs ${expected}`);
  const out = new Float32Array(expected);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < expected; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

const specPath = process.argv[2];
if (!specPath) fail('usage: node ort_parity.mjs spec.json');
const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const ort = loadOrt();
let session;
try {
  session = await ort.InferenceSession.create(spec.model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: spec.graphOptimizationLevel ?? 'all',
    intraOpNumThreads: 2,
    interOpNumThreads: 1,
  });
} catch (err) {
  fail(`ONNX Runtime cannot load ${spec.model}: ${err.message}`);
}

const inputName = session.inputNames[0];
const outputName = session.outputNames.includes('logits') ? 'logits' : session.outputNames[0];
let maxAbsDiff = 0;
const cases = [];
for (const c of spec.cases) {
  const input = new ort.Tensor('float32', readFloat32(c.input, c.inputShape), c.inputShape);
  const results = await session.run({ [inputName]: input });
  const output = results[outputName];
  const expected = readFloat32(c.expected, c.expectedShape);
  if (JSON.stringify(Array.from(output.dims)) !== JSON.stringify(c.expectedShape)) {
    fail(`output shape ${JSON.stringify(output.dims)} differs from PyTorch's ${JSON.stringify(c.expectedShape)}`);
  }
  let diff = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(output.data[i] - expected[i]);
    if (!(d <= diff)) diff = Number.isNaN(d) ? Infinity : d;
  }
  maxAbsDiff = Math.max(maxAbsDiff, diff);
  cases.push({ inputShape: c.inputShape, outputShape: Array.from(output.dims), maxAbsDiff: diff });
}
await session.release?.();
process.stdout.write(JSON.stringify({
  maxAbsDiff, cases, inputNames: session.inputNames, outputNames: session.outputNames,
  ortVersion: ort.env?.versions?.common ?? null,
}) + '\n');
