// `npm run setup:cuda [-- --dir DIR]`: ONNX Runtime's CUDA provider from the npm registry alone, placed
// where onnxruntime-node loads it (or in DIR), then verified by a real CUDA load.
// Exit 0: CUDA works. 2: the providers are in place but this machine lacks CUDA libraries, the driver
// or a GPU (the list and the commands that fix it are printed). 1: the setup itself failed, in one line.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { CUDA_PROVIDER_PACKAGE, bindingDirectory, bindingVersion } from '../src/core/inference/cuda-provider-build';
import { probeDevices } from '../src/core/inference/cuda-probe';
import { loadTestModel } from '../src/core/inference/cuda-load-test';
import { appRoot } from '../src/core/paths';
import { installProviders, SetupError } from './setup-cuda/install-providers';

const say = (line: string) => process.stdout.write(`setup:cuda: ${line}\n`);

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { dir: { type: 'string' } } });
  const pkg = CUDA_PROVIDER_PACKAGE;
  const platform = `${process.platform}-${process.arch}`;
  if (platform !== 'linux-x64') throw new SetupError(`the registry's CUDA provider package is for linux-x64, not ${platform}; nothing was changed`);
  const runtime = bindingVersion();
  if (runtime !== pkg.onnxRuntime) {
    throw new SetupError(`onnxruntime-node is ${runtime} but ${pkg.name}@${pkg.version} holds ONNX Runtime ${pkg.onnxRuntime}'s providers, which only load safely into the same release: run npm ci (package.json pins ${pkg.onnxRuntime}); nothing was changed`);
  }
  const directory = values.dir ?? bindingDirectory();
  say(`${pkg.name}@${pkg.version} (ONNX Runtime ${pkg.onnxRuntime} CUDA provider) → ${directory}`);
  say(`checking what is installed; a fetch is ${(pkg.files.reduce((n, f) => n + f.bytes, 0) / 2 ** 20).toFixed(0)} MB of libraries (npm pack, your npm settings)`);
  const { fetched } = await installProviders({ pkg, directory, cwd: appRoot() });
  say(fetched ? 'fetched from the npm registry; SHA-256 of each file checked' : 'already installed (SHA-256 of each file checked); nothing fetched');

  const report = await probeDevices({ providerDirectory: directory, loadTestModel: loadTestModel(join(appRoot(), 'models')) });
  if (report.loadTest) say(`load test: ${report.loadTest.ok ? 'ok, ' : ''}${report.loadTest.message}`);
  if (report.cudaReady) {
    say(`CUDA is ready on ${report.gpus.map((g) => g.name).join(', ') || 'the GPU'} (driver ${report.driver.version ?? 'unknown'})`);
    return 0;
  }
  say(`the CUDA provider is installed, but this machine still lacks: ${report.missing.join('; ')}`);
  for (const fix of report.fixes) say(`fix: ${fix}`);
  say('`npx medseg doctor` prints the full report; until then --device auto runs on the CPU');
  return 2;
}

try {
  process.exitCode = await main();
} catch (e) {
  process.stderr.write(`setup:cuda: ${e instanceof SetupError ? e.message : `unexpected error: ${(e as Error).message}`}\n`);
  process.exitCode = 1;
}
