// The CUDA load test's process (issue 10 review): the packaged app's runAsNode fuse is off, so the
// app hands in Electron's utility process and nothing may start process.execPath as Node there.
// Which launcher runs must not depend on ELECTRON_RUN_AS_NODE.
import { afterEach, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { chooseLoadTestLauncher, cudaLoadTest, loadTestModel, nodeChildLauncher, type LoadTestLauncher, type LoadTestProcess } from '../../src/core/inference/cuda-load-test';
import { appRoot } from '../../src/core/paths';

const saved = process.env.ELECTRON_RUN_AS_NODE;
afterEach(() => {
  if (saved === undefined) delete process.env.ELECTRON_RUN_AS_NODE;
  else process.env.ELECTRON_RUN_AS_NODE = saved;
});
const withRunAsNode = (value: string | undefined) => {
  if (value === undefined) delete process.env.ELECTRON_RUN_AS_NODE;
  else process.env.ELECTRON_RUN_AS_NODE = value;
};
const node = { ...process.versions, electron: undefined } as unknown as NodeJS.ProcessVersions;
const electron = { ...process.versions, electron: '40.0.0' } as NodeJS.ProcessVersions;

/** Only what an Electron UtilityProcess offers: stdout, stderr, kill() and an 'exit' event with the code. */
function utilityLike(start: (modulePath: string, env: Record<string, string>) => ReturnType<typeof spawn>): { launcher: LoadTestLauncher; calls: { modulePath: string; env: Record<string, string> }[] } {
  const calls: { modulePath: string; env: Record<string, string> }[] = [];
  const launcher: LoadTestLauncher = (modulePath, env) => {
    calls.push({ modulePath, env });
    const child = start(modulePath, env);
    const handle: LoadTestProcess = {
      stdout: child.stdout, stderr: child.stderr, kill: () => child.kill(),
      once: (_event, listener) => child.once('exit', (code) => listener(code)),
    };
    return handle;
  };
  return { launcher, calls };
}

test('the launcher is chosen by the host, never by ELECTRON_RUN_AS_NODE', () => {
  const host: LoadTestLauncher = () => { throw new Error('not started in this test'); };
  for (const runAsNode of [undefined, '1', '0']) {
    withRunAsNode(runAsNode);
    expect(chooseLoadTestLauncher(null, node), `ELECTRON_RUN_AS_NODE=${runAsNode}`).toBe(nodeChildLauncher);
    expect(chooseLoadTestLauncher(host, node)).toBe(host);
    expect(chooseLoadTestLauncher(host, electron)).toBe(host);
    // Inside Electron with nothing handed in, its own binary is never started as a Node child.
    expect(chooseLoadTestLauncher(null, electron)).toMatch(/cannot start here .*utility process/);
  }
});

test('inside Electron without a utility process the load test says why and starts nothing', async () => {
  const result = await cudaLoadTest('/no/such/model.onnx', 5_000, chooseLoadTestLauncher(null, electron));
  expect(result).toEqual({ ok: false, message: "the CUDA load test cannot start here (inside Electron it needs the app's utility process)" });
});

test('the load test runs ONNX Runtime in a process with only what a utility process offers, ELECTRON_RUN_AS_NODE set or not', async () => {
  const model = loadTestModel(join(appRoot(), 'models'));
  expect(model).toBeDefined();
  const messages: string[] = [];
  for (const runAsNode of [undefined, '1']) {
    withRunAsNode(runAsNode);
    const { launcher, calls } = utilityLike((modulePath, env) => nodeChildLauncher(modulePath, env) as ReturnType<typeof spawn>);
    const result = await cudaLoadTest(model!, 60_000, launcher);
    expect(calls).toHaveLength(1);
    expect(calls[0].modulePath).toMatch(/cuda-load-child\.(ts|js)$/);
    expect(calls[0].env.MEDSEG_MODEL).toBe(model);
    // The child answered (a parsed JSON verdict), it neither crashed nor timed out.
    expect(result.message).not.toMatch(/the CUDA load test (exited|timed out|could not start)/);
    messages.push(result.message);
  }
  expect(messages[1]).toBe(messages[0]);
}, 150_000);

test('a load test that hangs is killed through the process interface and reported as timed out', async () => {
  const { launcher } = utilityLike((_modulePath, env) => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  const started = Date.now();
  const result = await cudaLoadTest('/no/such/model.onnx', 500, launcher);
  expect(result).toEqual({ ok: false, message: 'the CUDA load test timed out after 0.5 s' });
  expect(Date.now() - started).toBeLessThan(30_000);
});
