// The real test of CUDA: ONNX Runtime opens a CUDA session on a model and runs one small input, in
// a process of its own (cuda-load-child.ts): a provider that does not fit the host can crash its
// process, and that must not be the app's. The CLI and browser mode start it as a Node child; the
// Electron app cannot (its runAsNode fuse is off, so its binary would open a second window), so its
// main process hands in Electron's utility process instead.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { entryBeside } from '../paths';
import { cudaErrorText } from './cuda-error-text';

/** What the load test needs of its process: both a Node ChildProcess and an Electron UtilityProcess fit. */
export interface LoadTestProcess {
  stdout: NodeJS.ReadableStream | null;
  stderr: NodeJS.ReadableStream | null;
  kill(): boolean;
  once(event: 'exit', listener: (code: number | null) => void): unknown;
}

/** Starts `modulePath` (an ES module) as a process of its own with `env`. */
export type LoadTestLauncher = (modulePath: string, env: Record<string, string>) => LoadTestProcess;

/** Plain Node (the CLI, browser mode): `node <module>`, through tsx when running from source. */
export const nodeChildLauncher: LoadTestLauncher = (modulePath, env) => {
  const loader = modulePath.endsWith('.ts') ? ['--import', import.meta.resolve('tsx/esm')] : [];
  return spawn(process.execPath, [...loader, modulePath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
};

let hostLauncher: LoadTestLauncher | null = null;

/** The Electron main process calls this (after `ready`) with a utilityProcess launcher. */
export function useLoadTestLauncher(launcher: LoadTestLauncher): void {
  hostLauncher = launcher;
}

/**
 * How the load test is started: what the host handed in, else a Node child where this is plain
 * Node. Inside Electron without one there is no safe way (its binary is no Node once fused), so the
 * answer is why not. ELECTRON_RUN_AS_NODE is never looked at: the fuse makes it meaningless.
 */
export function chooseLoadTestLauncher(host: LoadTestLauncher | null, versions: NodeJS.ProcessVersions = process.versions): LoadTestLauncher | string {
  if (host) return host;
  if (versions.electron) return 'the CUDA load test cannot start here (inside Electron it needs the app\'s utility process)';
  return nodeChildLauncher;
}


function textOf(stream: NodeJS.ReadableStream | null): Promise<string> {
  return new Promise((resolve) => {
    if (!stream) return resolve('');
    let text = '';
    stream.on('data', (d) => { text += d; });
    stream.on('end', () => resolve(text));
    stream.on('error', () => resolve(text));
  });
}

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

export async function cudaLoadTest(modelPath: string, timeoutMs = 120_000, launcher = chooseLoadTestLauncher(hostLauncher)): Promise<{ ok: boolean; message: string }> {
  if (typeof launcher === 'string') return { ok: false, message: launcher };
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  let child: LoadTestProcess;
  try {
    child = launcher(fileURLToPath(entryBeside(import.meta.url, 'cuda-load-child')), { ...env, MEDSEG_MODEL: modelPath });
  } catch (e) {
    return { ok: false, message: `the CUDA load test could not start: ${(e as Error).message}` };
  }
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; child.kill(); }, timeoutMs);
  const [code, stdout, stderr] = await Promise.all([
    new Promise<number | null>((resolve) => child.once('exit', resolve)), textOf(child.stdout), textOf(child.stderr),
  ]);
  clearTimeout(timer);
  try {
    const result = JSON.parse(stdout) as { ok: boolean; message?: string };
    if (result.ok) return { ok: true, message: 'a CUDA session ran a convolution' };
    return { ok: false, message: loaderLine(stderr) ?? cudaErrorText(result.message ?? '') };
  } catch {
    const how = timedOut ? `timed out after ${timeoutMs / 1000} s` : `exited with code ${code}`;
    return { ok: false, message: `the CUDA load test ${how}: ${stderr.trim().split('\n').pop() ?? ''}`.replace(/: $/, '') };
  }
}
