// A full disk and a read-only workspace on real filesystems: a small tmpfs mounted in a private
// mount namespace (unshare, no privileges needed beyond user namespaces). A full disk gives "disk
// full: nothing was changed" and keeps the last save; a read-only workspace still shows the image
// and its saved work, and says why saving is off.
import { beforeAll, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeImageIo, writeImage } from '../../src/core/io';
import { canMountSmallDisk } from '../fixtures/external-checkers';

const CAN_MOUNT = canMountSmallDisk('workspace-disk');
const root = mkdtempSync(join(tmpdir(), 'medseg-disk-'));
const image = join(root, 'ct.nii.gz');
const SCRIPT = join(__dirname, '../fixtures/workspace-on-small-disk.ts');

/** Runs each step of `steps` (a shell line of its own may come between) with the workspace on a `sizeKb` tmpfs. */
function inNamespace(sizeKb: number, steps: string[]): Record<string, any>[] {
  const workspace = join(root, `ws-${sizeKb}-${steps.length}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(workspace);
  const run = (step: string) => step.startsWith('sh:') ? step.slice(3)
    : `'${process.execPath}' --import tsx '${SCRIPT}' ${step} '${workspace}' '${image}' '${root}'`;
  const script = [`mount -t tmpfs -o size=${sizeKb}k tmpfs '${workspace}'`, ...steps.map(run)].join(' && ');
  const r = spawnSync('unshare', ['-rm', 'sh', '-c', script.replaceAll('$WS', workspace)], { encoding: 'utf8', cwd: process.cwd(), timeout: 120_000 });
  if (r.status !== 0) throw new Error(`namespace run failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').map((line) => JSON.parse(line));
}

beforeAll(async () => {
  const size: [number, number, number] = [128, 128, 64];
  await writeImage(image, { size, spacing: [1, 1, 2], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], components: 1,
    pixelType: 'int16', data: new Int16Array(128 * 128 * 64).map((_, i) => i % 300), modality: 'CT' });
  await closeImageIo();
});

test.skipIf(!CAN_MOUNT)('a full disk refuses the save with "disk full: nothing was changed" and keeps the last save', () => {
  const [small, full, after] = inNamespace(1024, ['save-small', 'save-incompressible', 'reopen']);
  expect(small.save).toBe('ok');
  expect(full.save).toMatch(/^Cannot save ct\.nii\.gz: disk full: nothing was changed/);
  // Nothing half-written stays behind: the record and the last save's work file only.
  expect(full.caseFiles).toHaveLength(2);
  expect(full.caseFiles[0]).toBe('case.json');
  expect(after.labelled).toBe(1000);
  expect(after.warnings).toEqual([]);
});

test.skipIf(!CAN_MOUNT)('a full disk at open still shows the image and says why saving is off', () => {
  const [opened] = inNamespace(512, ['sh:dd if=/dev/zero of=$WS/filler bs=1k count=600 2>/dev/null; true', 'reopen']);
  expect(opened.error).toBeUndefined();
  expect(opened.imageVoxels).toBe(128 * 128 * 64);
  expect(opened.readOnly).toMatch(/disk full/);
});

test.skipIf(!CAN_MOUNT)('a read-only workspace shows the image and its saved work, and says why saving is off', () => {
  const [, ro, roSave] = inNamespace(2048, ['save-small', `sh:mount -o remount,ro $WS`, 'reopen', 'save-small']);
  expect(ro.error).toBeUndefined();
  expect(ro.labelled).toBe(1000);
  expect(ro.readOnly).toMatch(/workspace .* is read-only \(EROFS\), so saving is off/);
  expect(ro.warnings.join(' ')).toMatch(/Saving is off/);
  expect(roSave.save).toMatch(/^Cannot save ct\.nii\.gz: the workspace .* is read-only/);
});

test.skipIf(!CAN_MOUNT)('an image never opened before can be viewed from a read-only workspace', () => {
  const [opened] = inNamespace(256, ['sh:mount -o remount,ro $WS', 'reopen']);
  expect(opened.error).toBeUndefined();
  expect(opened.imageVoxels).toBe(128 * 128 * 64);
  expect(opened.readOnly).toMatch(/read-only/);
});
