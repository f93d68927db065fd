// `medseg` works from any working folder (issue 9, point 3): its I/O and inference workers find their
// TypeScript loader from the app's own location, not from the caller's folder (which here holds no
// node_modules at all), and images under a symlinked folder read like any other (point 4).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { closeImageIo, writeImage } from '../../src/core/io';
import { obliqueVolume, photo } from '../fixtures/volumes';

const BIN = resolve(__dirname, '../../bin/medseg.mjs');
let elsewhere: string;

function medsegFrom(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd, encoding: 'utf8', timeout: 90_000, env: { ...process.env, MEDSEG_HOME: join(cwd, 'home') },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  elsewhere = mkdtempSync(join(tmpdir(), 'medseg-elsewhere-'));
  mkdirSync(join(elsewhere, 'data'));
  await writeImage(join(elsewhere, 'data', 'ct.nii.gz'), obliqueVolume({ size: [20, 16, 6] }));
  await writeImage(join(elsewhere, 'data', 'cells.png'), photo(48, 40, 1));
  symlinkSync(join(elsewhere, 'data'), join(elsewhere, 'linked'));
});
afterAll(async () => {
  await closeImageIo();
  rmSync(elsewhere, { recursive: true, force: true });
});

describe('medseg from a folder outside the app', () => {
  it('info reads a NIfTI, by relative path and through a symlinked folder', () => {
    for (const path of ['data/ct.nii.gz', 'linked/ct.nii.gz']) {
      const r = medsegFrom(elsewhere, 'info', path);
      expect(r.stderr, path).not.toMatch(/tsx|damaged/);
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).size).toEqual([20, 16, 6]);
    }
  });

  it('segment runs the inference worker and writes into a symlinked folder', () => {
    const r = medsegFrom(elsewhere, 'segment', 'linked/cells.png', '--model', 'unet-nuclei', '--out', 'linked/cells-mask.png');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.slices).toBe(1);
    expect(out.out).toBe(join(elsewhere, 'linked', 'cells-mask.png'));
    const back = medsegFrom(elsewhere, 'info', 'data/cells-mask.png');
    expect(back.status, back.stderr).toBe(0);
    expect(JSON.parse(back.stdout).size).toEqual([48, 40, 1]);
  });
});
