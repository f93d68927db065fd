// Label names and colours: the palette new labels take their colours from (in the editor and for
// masks opened without names), shared so a label looks the same wherever it was made.
import type { LabelDefinition } from './manifest';

/** Distinct colours for new labels (Sasha Trubetskoy's list), used in order. */
export const LABEL_PALETTE = [
  '#e6194b', '#3cb44b', '#ffe119', '#4363d8', '#f58231', '#911eb4', '#46f0f0', '#f032e6',
  '#bcf60c', '#fabebe', '#008080', '#e6beff', '#9a6324', '#fffac8', '#800000', '#aaffc3',
];

/** The first palette colour not in use, or the palette again in order. */
export function nextLabelColor(used: readonly string[]): string {
  const taken = new Set(used.map((c) => c.toLowerCase()));
  return LABEL_PALETTE.find((c) => !taken.has(c)) ?? LABEL_PALETTE[used.length % LABEL_PALETTE.length];
}

/** `named` for the values it names, "label N" in the next free colour for the others; sorted by value. */
export function labelsForValues(values: readonly number[], named: readonly LabelDefinition[]): LabelDefinition[] {
  const out = values.flatMap((v) => named.filter((l) => l.value === v).slice(0, 1).map((l) => ({ ...l })));
  for (const value of values) {
    if (out.some((l) => l.value === value)) continue;
    out.push({ value, name: `label ${value}`, color: nextLabelColor(out.map((l) => l.color)) });
  }
  return out.sort((a, b) => a.value - b.value);
}
