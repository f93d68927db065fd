// Label colours: '#rrggbb' strings in the label list, RGB triples for the label renderer.
import type { LabelDefinition } from '../../shared/manifest';
import type { LabelColors } from '../editor';

/** Distinct colours for new labels (Sasha Trubetskoy's list), used in order. */
export const LABEL_PALETTE = [
  '#e6194b', '#3cb44b', '#ffe119', '#4363d8', '#f58231', '#911eb4', '#46f0f0', '#f032e6',
  '#bcf60c', '#fabebe', '#008080', '#e6beff', '#9a6324', '#fffac8', '#800000', '#aaffc3',
];

export function hexToRgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) return [255, 0, 0];
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

/** The first palette colour not in use, or the palette again in order. */
export function nextLabelColor(used: readonly string[]): string {
  const taken = new Set(used.map((c) => c.toLowerCase()));
  return LABEL_PALETTE.find((c) => !taken.has(c)) ?? LABEL_PALETTE[used.length % LABEL_PALETTE.length];
}

/** Colours of the visible labels. */
export function labelColorMap(labels: readonly LabelDefinition[], hidden: readonly number[]): LabelColors {
  const map = new Map<number, readonly [number, number, number]>();
  for (const l of labels) if (!hidden.includes(l.value)) map.set(l.value, hexToRgb(l.color));
  return map;
}
