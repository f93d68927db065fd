// Browser mode's memory for one big call (`npm run bench` server.*): the peak RSS a 256 MiB saveCase
// body adds to the server, sent with a Content-Length and chunked, by a client in a process of its
// own. Each mode runs in a fresh server process (the peak RSS only grows). The target is about 1×
// the body: each blob decoded straight into its own buffer, no whole-body copy.
// Run alone: `node --import tsx scripts/bench/server-body-bench.ts`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { STUDIO_METHODS, type StudioApi } from '../../src/shared/api';
import { startStudioServer } from '../../src/server/http-transport';
import { encodeEnvelope } from '../../src/shared/binary-envelope';

const BODY_MIB = 256;
const here = fileURLToPath(import.meta.url);

/** POSTs the file, chunked or with its length, from a plain Node process; prints the status. */
const CLIENT = `
const fs = require('node:fs'), http = require('node:http');
const [url, token, file, mode] = process.argv.slice(1);
const headers = { 'x-medseg-token': token, ...(mode === 'length' ? { 'content-length': fs.statSync(file).size } : {}) };
const req = http.request(url, { method: 'POST', headers }, (res) => { res.resume(); res.on('end', () => console.log(res.statusCode)); });
fs.createReadStream(file).pipe(req);
`;

const peakRssMiB = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;

/** One server process: how much the body raised its peak RSS, and whether the call arrived whole. */
async function measureOne(file: string, mode: string): Promise<{ status: string; addedMiB: number; blobBytes: number }> {
  let blobBytes = 0;
  const studio = Object.fromEntries(STUDIO_METHODS.map((m) => [m, async (r: { labelmap?: Uint8Array }) => { blobBytes += r?.labelmap?.byteLength ?? 0; return null; }])) as unknown as StudioApi;
  const server = await startStudioServer({ studio, staticDir: tmpdir() });
  const before = peakRssMiB();
  const client = spawn(process.execPath, ['-e', CLIENT, `${new URL(server.url).origin}/api/saveCase`, server.token, file, mode]);
  let status = '';
  client.stdout.on('data', (d) => { status += d; });
  await new Promise((resolve) => client.on('close', resolve));
  await server.close();
  return { status: status.trim(), addedMiB: Math.round(peakRssMiB() - before), blobBytes };
}

export async function serverBodyBench(): Promise<Record<string, unknown>> {
  if (process.platform !== 'linux') return { skipped: 'peak RSS is read from /proc (Linux only)' };
  const dir = mkdtempSync(join(tmpdir(), 'medseg-body-bench-'));
  try {
    const half = new Uint8Array((BODY_MIB << 20) / 2).fill(1);
    const file = join(dir, 'body.bin');
    writeFileSync(file, encodeEnvelope([{ caseId: '0123456789abcdef', labelmap: half, provenance: half, labels: [] }]));
    const result: Record<string, unknown> = { bodyMiB: BODY_MIB };
    for (const mode of ['length', 'chunked']) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', here, '--one', file, mode], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`server body bench (${mode}) failed: ${r.stderr}`);
      const one = JSON.parse(r.stdout) as { status: string; addedMiB: number; blobBytes: number };
      if (one.status !== '200' || one.blobBytes !== half.byteLength) throw new Error(`server body bench (${mode}): answered ${one.status}, ${one.blobBytes} bytes arrived`);
      const key = mode === 'length' ? 'contentLength' : 'chunked';
      result[`${key}PeakRssAddedMiB`] = one.addedMiB;
      result[`${key}PeakRssPerBodyByte`] = +(one.addedMiB / BODY_MIB).toFixed(2);
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const one = process.argv.indexOf('--one');
  if (one > 0) process.stdout.write(JSON.stringify(await measureOne(process.argv[one + 1], process.argv[one + 2])));
  else process.stdout.write(JSON.stringify(await serverBodyBench(), null, 2) + '\n');
}
