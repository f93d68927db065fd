// `npm run setup:cuda`: one clear line when the registry cannot be reached, and idempotent placing
// of the pinned files (checked against their SHA-256) from a package served by a local registry.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installProviders, SetupError } from '../../scripts/setup-cuda/install-providers';
import { PROVIDER_MARKER, type ProviderPackage } from '../../src/core/inference/cuda-provider-build';

const dir = mkdtempSync(join(tmpdir(), 'medseg-setup-cuda-'));
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const libraries = { 'libprovider_a.so': randomBytes(3000), 'libprovider_b.so': randomBytes(70_000) };
const pkg: ProviderPackage = {
  name: 'medseg-test-providers', version: '1.2.3', onnxRuntime: '9.9.9',
  files: Object.entries(libraries).map(([name, bytes]) => ({ name, inPackage: `package/lib/${name}`, sha256: sha256(bytes), bytes: bytes.length })),
};
let server: Server;
let registry = '';
const requests: string[] = [];

beforeAll(async () => {
  const source = join(dir, 'source');
  mkdirSync(join(source, 'package', 'lib'), { recursive: true });
  writeFileSync(join(source, 'package', 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version }));
  for (const [name, bytes] of Object.entries(libraries)) writeFileSync(join(source, 'package', 'lib', name), bytes);
  const tgz = join(dir, 'package.tgz');
  expect(spawnSync('tar', ['-czf', tgz, '-C', source, 'package']).status).toBe(0);
  const tarball = readFileSync(tgz);
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === `/${pkg.name}`) {
      const dist = { tarball: `${registry}/${pkg.name}/-/package.tgz`, shasum: createHash('sha1').update(tarball).digest('hex'),
        integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}` };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ name: pkg.name, 'dist-tags': { latest: pkg.version }, versions: { [pkg.version]: { name: pkg.name, version: pkg.version, dist } } }));
    } else if (req.url === `/${pkg.name}/-/package.tgz`) {
      res.end(tarball);
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  registry = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const npmEnv = () => ({ ...process.env, npm_config_registry: `${registry}/`, npm_config_cache: join(dir, 'npm-cache'), npm_config_fetch_retries: '0' });

test('fetches once, then finds the files in place and fetches nothing', async () => {
  const target = join(dir, 'binding');
  expect(await installProviders({ pkg, directory: target, env: npmEnv() })).toEqual({ fetched: true });
  const fetches = () => requests.filter((r) => r.endsWith('.tgz')).length;
  expect(fetches()).toBe(1);
  for (const [name, bytes] of Object.entries(libraries)) expect(readFileSync(join(target, name)).equals(bytes)).toBe(true);
  expect(JSON.parse(readFileSync(join(target, PROVIDER_MARKER), 'utf8'))).toMatchObject({ package: pkg.name, version: pkg.version, onnxRuntime: '9.9.9' });

  const before = requests.length;
  expect(await installProviders({ pkg, directory: target, env: npmEnv() })).toEqual({ fetched: false });
  expect(requests.length).toBe(before);

  // A damaged file is noticed by its hash and replaced.
  writeFileSync(join(target, 'libprovider_b.so'), 'truncated');
  expect(await installProviders({ pkg, directory: target, env: npmEnv() })).toEqual({ fetched: true });
  expect(readFileSync(join(target, 'libprovider_b.so')).equals(libraries['libprovider_b.so'])).toBe(true);
  expect(readdirSync(target).sort()).toEqual(['libprovider_a.so', 'libprovider_b.so', PROVIDER_MARKER]);
});

test('a package whose files do not match the pinned hashes places nothing', async () => {
  const target = join(dir, 'tampered');
  const pinned = { ...pkg, files: pkg.files.map((f, i) => (i === 1 ? { ...f, sha256: '0'.repeat(64) } : f)) };
  const error = await installProviders({ pkg: pinned, directory: target, env: npmEnv() }).catch((e) => e);
  expect(error).toBeInstanceOf(SetupError);
  expect(error.message).toMatch(/^package\/lib\/libprovider_b\.so in medseg-test-providers@1\.2\.3 has SHA-256 [0-9a-f]{64}, not the pinned 0{64}; nothing was changed$/);
  expect(existsSync(join(target, 'libprovider_a.so'))).toBe(false);
});

test('npm run setup:cuda with an unreachable registry fails with one clear line and changes nothing', () => {
  const target = join(dir, 'unreachable');
  // Port 9 (discard) on the loopback: refused at once. Retries off, so the test does not wait out npm's back-off.
  const env = { ...process.env, npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0', npm_config_cache: join(dir, 'npm-cache-empty') };
  const r = spawnSync('npm', ['run', '-s', 'setup:cuda', '--', '--dir', target], { encoding: 'utf8', env, timeout: 90_000 });
  expect(r.status).toBe(1);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/^npm warn/i.test(l));
  expect(lines).toEqual([
    'setup:cuda: cannot fetch com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9 from the npm registry (http://127.0.0.1:9/): connect ECONNREFUSED 127.0.0.1:9; nothing was changed',
  ]);
  expect(existsSync(target)).toBe(false);
});
