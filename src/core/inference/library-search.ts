// Where Linux's dynamic loader finds a shared library by its soname, in its own order:
// LD_LIBRARY_PATH, then the ld.so cache (`ldconfig -p`), then the default folders. The CUDA provider
// has no RUNPATH of its own, so this is exactly where its NEEDED libraries and dlopen calls look.
// The usual CUDA install folders are searched too, to tell "not installed" from "installed where the
// loader does not look".
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

export interface LoaderEnvironment {
  /** LD_LIBRARY_PATH as the process was started with (the loader read it then). */
  ldLibraryPath: string;
  /** soname → path, from the ld.so cache. */
  cache: Map<string, string>;
  defaults: string[];
  /** Folders CUDA usually installs into, which the loader may not search. */
  cudaFolders: string[];
}

const DEFAULT_FOLDERS = ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib64', '/usr/lib64', '/lib', '/usr/lib'];

/** Parses `ldconfig -p`: "\tlibcudart.so.13 (libc6,x86-64) => /usr/local/cuda-13.0/lib/libcudart.so.13". */
export function parseLdconfigCache(text: string, abi = 'x86-64'): Map<string, string> {
  const cache = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(\S+)\s+\(([^)]*)\)\s+=>\s+(\S+)\s*$/.exec(line);
    // The first entry of a name is the one the loader uses.
    if (m && m[2].includes(abi) && !cache.has(m[1])) cache.set(m[1], m[3]);
  }
  return cache;
}

function readLdconfigCache(): Map<string, string> {
  for (const ldconfig of ['/sbin/ldconfig', '/usr/sbin/ldconfig', 'ldconfig']) {
    const r = spawnSync(ldconfig, ['-p'], { encoding: 'utf8', timeout: 5000 });
    if (r.status === 0) return parseLdconfigCache(r.stdout);
  }
  return new Map();
}

function usualCudaFolders(env: NodeJS.ProcessEnv): string[] {
  const roots = [env.CUDA_PATH, env.CUDA_HOME].filter((r): r is string => !!r);
  try {
    roots.push(...readdirSync('/usr/local').filter((d) => /^cuda(-[\d.]+)?$/.test(d)).sort().reverse().map((d) => join('/usr/local', d)));
  } catch {
    // no /usr/local: nothing to add
  }
  const folders = roots.flatMap((r) => [join(r, 'lib64'), join(r, 'lib'), join(r, 'targets', 'x86_64-linux', 'lib')]);
  folders.push('/usr/lib/wsl/lib'); // WSL's driver libraries
  // /usr/local/cuda is usually a link to one of the versioned folders: list each real folder once.
  return [...new Set(folders.filter((f) => existsSync(f)).map((f) => realpathSync(f)))];
}

export function loaderEnvironment(env: NodeJS.ProcessEnv = process.env): LoaderEnvironment {
  return { ldLibraryPath: env.LD_LIBRARY_PATH ?? '', cache: readLdconfigCache(), defaults: DEFAULT_FOLDERS, cudaFolders: usualCudaFolders(env) };
}

function libraryPathFolders(loader: LoaderEnvironment): string[] {
  return loader.ldLibraryPath.split(':').filter((d) => d !== '');
}

/** The folders looked in, in order, as people read them. */
export function searchedPlaces(loader: LoaderEnvironment): string[] {
  return [
    ...libraryPathFolders(loader).map((d) => `${d} (LD_LIBRARY_PATH)`),
    'the ld.so cache (ldconfig -p)',
    ...loader.defaults,
    ...loader.cudaFolders.map((d) => `${d} (usual CUDA folder)`),
  ];
}

/** Where the loader finds `soname` (null: it does not), and where it exists outside the loader's reach. */
export function findSharedLibrary(soname: string, loader: LoaderEnvironment): { path: string | null; outsideLoaderPath: string | null } {
  for (const dir of libraryPathFolders(loader)) {
    if (existsSync(join(dir, soname))) return { path: join(dir, soname), outsideLoaderPath: null };
  }
  const cached = loader.cache.get(soname);
  if (cached && existsSync(cached)) return { path: cached, outsideLoaderPath: null };
  for (const dir of loader.defaults) {
    if (existsSync(join(dir, soname))) return { path: join(dir, soname), outsideLoaderPath: null };
  }
  const elsewhere = loader.cudaFolders.map((d) => join(d, soname)).find((p) => existsSync(p)) ?? null;
  return { path: null, outsideLoaderPath: elsewhere };
}
