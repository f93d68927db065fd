// A full disk during an export (issue 10, item 8): `medseg segment --out` onto a nearly full file
// system says "disk full: nothing was changed", leaves the file that was there as it was and no
// temporary file behind. The full disk is a 64 KiB tmpfs mounted in a private user + mount
// namespace (`unshare -rm`), so no root is needed; where namespaces are not allowed it is skipped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { closeImageIo, writeImage } from '../../src/core/io';
import { obliqueVolume } from '../fixtures/volumes';
import { canMountSmallDisk } from '../fixtures/external-checkers';

const BIN = resolve(__dirname, '../../bin/medseg.mjs');
const dir = mkdtempSync(join(tmpdir(), 'medseg-full-'));
const CAN_MOUNT = canMountSmallDisk('cli-disk-full');

beforeAll(async () => {
  await writeImage(join(dir, 'ct.nii.gz'), obliqueVolume({ size: [64, 64, 8] }));
  writeFileSync(join(dir, 'previous-mask.nii'), 'the mask exported yesterday\n');
});
afterAll(async () => {
  await closeImageIo();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!CAN_MOUNT)('export onto a full disk', () => {
  it('is "disk full: nothing was changed", and the previous file is untouched', () => {
    // 64 KiB, 40 000 bytes taken: the 33 120-byte mask cannot fit.
    const script = [
      'set -u', `cd '${dir}'`, 'mkdir -p full', 'mount -t tmpfs -o size=64k tmpfs full',
      'head -c 40000 /dev/zero > full/filler', 'cp previous-mask.nii full/mask.nii',
      `'${process.execPath}' '${BIN}' segment ct.nii.gz --model dra-unet-liver-ct --out full/mask.nii; echo "exit=$?"`,
      'cmp -s previous-mask.nii full/mask.nii && echo unchanged', 'echo "files=$(ls -A full | tr "\\n" " ")"',
    ].join('\n');
    const r = spawnSync('unshare', ['-rm', 'sh', '-c', script], {
      encoding: 'utf8', timeout: 120_000, env: { ...process.env, MEDSEG_HOME: join(dir, 'home') },
    });
    expect(r.stdout).toMatch(/^exit=[1-9]/m);
    expect(r.stderr).toMatch(/^medseg: Cannot write .*full\/mask\.nii: disk full: nothing was changed \(the existing file is as it was\)\. Free some space and export again\.$/m);
    expect(r.stderr).not.toMatch(/read back|\n\s+at /);
    expect(r.stdout).toMatch(/^unchanged$/m);
    expect(r.stdout).toMatch(/^files=filler mask\.nii $/m);
  });
});
