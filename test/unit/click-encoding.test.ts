// The engine's click encoding and simulated clicker against the fixture the trainer wrote
// (training/medseg_training/interactive/fixture.py): the same clicks give the same network input,
// and the same errors the same protocol click, in TypeScript as in Python.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SliceClick } from '../../src/shared/api';
import { CLICK_ENCODING, type InteractionManifest } from '../../src/shared/manifest';
import { encodeNetworkInput, focusBox, pasteRefinement } from '../../src/core/interactive/click-encoding';
import { nextClick } from '../../src/core/interactive/simulated-clicker';

interface EncodeCase {
  name: string; height: number; width: number; channels: number; net: [number, number];
  interaction: InteractionManifest; image: number[]; previous: string; clicks: SliceClick[];
  box: [number, number, number, number]; input: number[];
}
interface ClickerCase { name: string; truth: string; pred: string; click: SliceClick | null }

const fixture = JSON.parse(readFileSync(new URL('../fixtures/click-encoding.json', import.meta.url), 'utf8')) as
  { encoding: string; encode: EncodeCase[]; clicker: ClickerCase[] };

function mask(text: string): { data: Uint8Array; width: number; height: number } {
  const rows = text.split('/');
  return { data: Uint8Array.from(rows.join(''), (ch) => (ch === '1' ? 1 : 0)), width: rows[0].length, height: rows.length };
}

describe('click encoding medseg-clicks/1 (fixture written by the trainer)', () => {
  it('is the encoding the manifest names', () => {
    expect(fixture.encoding).toBe(CLICK_ENCODING);
  });

  it.each(fixture.encode.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const [nh, nw] = c.net;
    const { input, box } = encodeNetworkInput(Float32Array.from(c.image), c.channels, c.width, c.height, mask(c.previous).data,
      c.clicks, c.interaction, { height: nh, width: nw });
    expect([box.x0, box.y0, box.width, box.height]).toEqual(c.box);
    expect(input.length).toBe(c.input.length);
    const plane = nh * nw;
    c.interaction.prompts.forEach((prompt, n) => {
      const offset = (c.channels + n) * plane;
      const ours = Array.from(input.subarray(offset, offset + plane));
      const theirs = c.input.slice(offset, offset + plane);
      // Click disks are exact; resized planes agree to float32 rounding.
      if (prompt === 'previousMask') ours.forEach((v, p) => expect(v).toBeCloseTo(theirs[p], 6));
      else expect(ours).toEqual(theirs);
    });
    for (let p = 0; p < c.channels * plane; p++) expect(input[p]).toBeCloseTo(c.input[p], 5);
  });
});

describe('simulated clicker (fixture written by the trainer)', () => {
  it.each(fixture.clicker.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const truth = mask(c.truth), pred = mask(c.pred);
    expect(nextClick(truth.data, pred.data, truth.width, truth.height)).toEqual(c.click);
  });
});

describe('refinement pasting', () => {
  it('edits only the label inside the focus box and keeps other labels', () => {
    const width = 6, current = new Uint8Array(36);
    current[0] = 2;           // another label outside the box
    current[2 * 6 + 2] = 2;   // another label inside the box
    current[3 * 6 + 3] = 1;   // the label, inside, no longer predicted
    current[5 * 6 + 5] = 1;   // the label, outside the box: untouched
    const probability = Float32Array.from([0.9, 0.9, 0.9, 0.1]);
    const out = pasteRefinement(current, width, probability, { height: 2, width: 2 }, { x0: 2, y0: 2, width: 2, height: 2 }, 0.5, 1);
    expect(out[0]).toBe(2);
    expect(out[2 * 6 + 2]).toBe(2);
    expect(out[2 * 6 + 3]).toBe(1);
    expect(out[3 * 6 + 2]).toBe(1);
    expect(out[3 * 6 + 3]).toBe(0);
    expect(out[5 * 6 + 5]).toBe(1);
  });

  it('focuses on the whole slice until the mask holds something', () => {
    const focus = { expand: 1.4, minFraction: 0.2 };
    expect(focusBox(new Uint8Array(50), 10, 5, [{ i: 3, j: 2, positive: true }], focus)).toEqual({ x0: 0, y0: 0, width: 10, height: 5 });
  });
});
