// Label names and colours: the palette new labels take their colours from (in the editor and for
// masks opened without names), shared so a label looks the same wherever it was made.
import type { LabelDefinition } from './manifest';

/** Distinct colours for new labels (Sasha Trubetskoy's list), used in order. */
const LABEL_PALETTE = [
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

/**
 * The first reason `value` is not a list of label definitions (values 1–255, each once; a name of one
 * line, at most 200 characters; a colour "#rrggbb"), with the entry it concerns (-1: not a list), or
 * null. One rule for label lists read from files and from case records.
 */
export function labelListProblem(value: unknown): { index: number; reason: string } | null {
  if (!Array.isArray(value)) return { index: -1, reason: 'it is not a list' };
  const seen = new Set<number>();
  for (const [index, l] of value.entries()) {
    const at = (reason: string) => ({ index, reason });
    if (typeof l !== 'object' || l === null) return at(`entry ${index + 1} is not a label`);
    if (!Number.isInteger(l.value) || l.value < 1 || l.value > 255) return at(`label ${index + 1} has value ${String(l.value)}`);
    if (seen.has(l.value)) return at(`value ${l.value} is listed twice`);
    seen.add(l.value);
    if (typeof l.name !== 'string' || l.name.trim() === '' || /[\n\r]/.test(l.name) || l.name.length > 200) return at(`label ${l.value} has no usable name`);
    if (typeof l.color !== 'string' || !/^#[0-9a-f]{6}$/i.test(l.color)) return at(`label ${l.value} has colour ${String(l.color)}`);
  }
  return null;
}
