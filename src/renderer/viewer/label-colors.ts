// Label colours: '#rrggbb' strings in the label list, RGB triples for the label renderer.
import type { LabelDefinition } from '../../shared/manifest';
import type { LabelColors } from '../editor';

function hexToRgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) return [255, 0, 0];
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

/** Colours of the visible labels. */
export function labelColorMap(labels: readonly LabelDefinition[], hidden: readonly number[]): LabelColors {
  const map = new Map<number, readonly [number, number, number]>();
  for (const l of labels) if (!hidden.includes(l.value)) map.set(l.value, hexToRgb(l.color));
  return map;
}
