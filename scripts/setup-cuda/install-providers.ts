// Places a provider package's libraries where onnxruntime-node loads them, from the npm registry
// alone: `npm pack` fetches the tarball with the user's own npm settings (registry, proxy, CA), tar
// takes out the pinned files, and each is checked against its SHA-256 before it is moved in. Files
// already there with the right hashes are kept, so running it again fetches nothing.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROVIDER_MARKER, type ProviderPackage } from '../../src/core/inference/cuda-provider-build';

/** A failure of the setup itself, said in one line; nothing was changed. */
export class SetupError extends Error {}

export interface InstallOptions {
  pkg: ProviderPackage;
  /** Where the binding loads providers from. */
  directory: string;
  /** The environment npm runs with (registry and cache settings come from it and the npmrc files). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function installedFiles(pkg: ProviderPackage, directory: string): Promise<boolean> {
  for (const f of pkg.files) {
    const path = join(directory, f.name);
    if (!existsSync(path) || (await sha256File(path)) !== f.sha256) return false;
  }
  return true;
}

interface Ran { status: number | null; stdout: string; stderr: string; error?: Error }

/** Runs a command without blocking the event loop (a registry may be served by this very process). */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (error) => resolve({ status: null, stdout, stderr, error }));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** npm's own reason for a failed fetch, in a few words ("ECONNREFUSED", "E404 Not Found …"). */
function npmReason(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.replace(/^npm (error|ERR!)\s*/, '').trim()).filter(Boolean);
  const reason = lines.find((l) => /reason:/.test(l))?.replace(/^.*reason:\s*/, '');
  const code = lines.find((l) => /^code\s/.test(l))?.replace(/^code\s+/, '');
  const detail = reason ?? lines.find((l) => !/^(code|errno|syscall|A complete log|Log files|\s*$)/.test(l) && !/^npm warn/i.test(l));
  if (code && detail?.includes(code)) return detail;
  return [code, detail].filter(Boolean).join(': ') || 'npm pack failed';
}

async function registryOf(env: NodeJS.ProcessEnv, cwd: string | undefined): Promise<string> {
  const r = await run('npm', ['config', 'get', 'registry'], env, cwd);
  return r.status === 0 ? r.stdout.trim() : 'the configured registry';
}

async function fetchTarball(pkg: ProviderPackage, into: string, env: NodeJS.ProcessEnv, cwd: string | undefined): Promise<string> {
  const spec = `${pkg.name}@${pkg.version}`;
  const r = await run('npm', ['pack', spec, '--pack-destination', into, '--json', '--loglevel', 'error'], env, cwd);
  if (r.error) throw new SetupError(`cannot run npm to fetch ${spec}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new SetupError(`cannot fetch ${spec} from the npm registry (${await registryOf(env, cwd)}): ${npmReason(r.stderr)}; nothing was changed`);
  }
  let filename: string;
  try {
    filename = (JSON.parse(r.stdout) as { filename: string }[])[0].filename;
  } catch {
    throw new SetupError(`npm pack ${spec} printed no package file name; nothing was changed`);
  }
  return join(into, filename);
}

async function extractPinned(pkg: ProviderPackage, tarball: string, into: string): Promise<void> {
  const r = await run('tar', ['-xzf', tarball, '-C', into, ...pkg.files.map((f) => f.inPackage)], process.env);
  if (r.status !== 0) {
    throw new SetupError(`${pkg.name}@${pkg.version} does not hold ${pkg.files.map((f) => f.inPackage).join(', ')} (${r.stderr.trim().split('\n')[0]}); nothing was changed`);
  }
  for (const f of pkg.files) {
    const got = await sha256File(join(into, f.inPackage));
    if (got !== f.sha256) {
      throw new SetupError(`${f.inPackage} in ${pkg.name}@${pkg.version} has SHA-256 ${got}, not the pinned ${f.sha256}; nothing was changed`);
    }
  }
}

/** Installs the package's pinned files into `directory`; `fetched` is false when they were already there. */
export async function installProviders({ pkg, directory, env = process.env, cwd }: InstallOptions): Promise<{ fetched: boolean }> {
  if (await installedFiles(pkg, directory)) return { fetched: false };
  const work = await mkdtemp(join(tmpdir(), 'medseg-setup-cuda-'));
  try {
    const tarball = await fetchTarball(pkg, work, env, cwd);
    const unpacked = join(work, 'unpacked');
    await mkdir(unpacked);
    await extractPinned(pkg, tarball, unpacked);
    await mkdir(directory, { recursive: true });
    // Copy beside the target, then rename: a loader never sees half a library.
    for (const f of pkg.files) {
      const partial = join(directory, `.${f.name}.partial`);
      await copyFile(join(unpacked, f.inPackage), partial);
      await rename(partial, join(directory, f.name));
    }
    const marker = { package: pkg.name, version: pkg.version, onnxRuntime: pkg.onnxRuntime, files: Object.fromEntries(pkg.files.map((f) => [f.name, f.sha256])) };
    await writeFile(join(directory, PROVIDER_MARKER), JSON.stringify(marker, null, 2) + '\n');
    return { fetched: true };
  } finally {
    await rm(work, { recursive: true, force: true });
    for (const name of await readdir(directory).catch(() => [] as string[])) {
      if (name.endsWith('.partial')) await rm(join(directory, name), { force: true });
    }
  }
}
