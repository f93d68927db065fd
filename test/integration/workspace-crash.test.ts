// kill -9 in the middle of autosaves: whatever instant the process dies, the case reopens with one
// whole save (the last one reported or the one being written), never a labelmap of one save with
// the provenance of another, and never an error.
import { expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaseStore } from '../../src/core/workspace/case-store';
import { CRASH_GRID, crashWork } from '../fixtures/crash-work';

const KILLS = 5;

/** Starts the saving child, kills it `delayMs` after its `afterSaves`-th save, resolves with the last save it reported. */
function saveThenKill(workspace: string, afterSaves: number, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../fixtures/save-until-killed.ts'), workspace, '/data/crash.nii.gz'],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let last = 0;
    const guard = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('the saving child never got going')); }, 60_000);
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      for (const m of text.matchAll(/saved (\d+)/g)) last = Number(m[1]);
      if (last === afterSaves) setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('exit', () => { clearTimeout(guard); resolve(last); });
  });
}

test(`killed ${KILLS} times mid-autosave, the case always reopens with one whole save`, async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'medseg-crash-'));
  for (let round = 0; round < KILLS; round++) {
    const lastReported = await saveThenKill(workspace, 1 + (round % 2), [0, 7, 23, 41, 60][round]);
    const { work, warnings } = await new CaseStore(workspace).open('/data/crash.nii.gz', CRASH_GRID);
    expect(warnings).toEqual([]);
    const candidates = [lastReported, lastReported + 1].map(crashWork);
    expect(candidates.some((c) => c.labelmap.every((v, i) => v === work!.labelmap[i]) && c.provenance.every((v, i) => v === work!.provenance[i]))).toBe(true);
  }
}, 300_000);
