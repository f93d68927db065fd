// The editor's keyboard map as data, so the help overlay lists exactly what the keys do.
// "Mod" is Ctrl, or ⌘ on macOS. Letters match either case; other modifiers must match exactly.

export type EditorAction =
  | 'tool.brush' | 'tool.eraser' | 'tool.thresholdBrush' | 'tool.polygon' | 'tool.floodFill'
  | 'brush.smaller' | 'brush.larger'
  | 'undo' | 'redo' | 'interpolate'
  | 'cancel' | 'confirm';

export interface Shortcut {
  action: EditorAction;
  /** Each entry is one key combination, e.g. "Mod+Shift+Z". */
  keys: readonly string[];
  description: string;
  group: 'Tools' | 'Brush' | 'Edit';
}

export const EDITOR_SHORTCUTS: readonly Shortcut[] = [
  { action: 'tool.brush', keys: ['B'], description: 'Brush', group: 'Tools' },
  { action: 'tool.eraser', keys: ['E'], description: 'Eraser', group: 'Tools' },
  { action: 'tool.thresholdBrush', keys: ['T'], description: 'Threshold brush (paints only within the intensity range)', group: 'Tools' },
  { action: 'tool.polygon', keys: ['P'], description: 'Polygon / lasso fill', group: 'Tools' },
  { action: 'tool.floodFill', keys: ['F'], description: 'Flood fill', group: 'Tools' },
  { action: 'brush.smaller', keys: ['['], description: 'Smaller brush', group: 'Brush' },
  { action: 'brush.larger', keys: [']'], description: 'Larger brush', group: 'Brush' },
  { action: 'undo', keys: ['Mod+Z'], description: 'Undo', group: 'Edit' },
  { action: 'redo', keys: ['Mod+Shift+Z', 'Mod+Y'], description: 'Redo', group: 'Edit' },
  { action: 'interpolate', keys: ['I'], description: 'Fill the slices between labelled slices (active label)', group: 'Edit' },
  { action: 'confirm', keys: ['Enter'], description: 'Close the polygon and fill it', group: 'Edit' },
  { action: 'cancel', keys: ['Escape'], description: 'Cancel the current stroke or polygon', group: 'Edit' },
];

/** The parts of a DOM KeyboardEvent the map needs (kept DOM-free so it runs under Node). */
export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
  altKey?: boolean;
}

interface KeyCombo {
  key: string;
  mod: boolean;
  shift: boolean;
  alt: boolean;
}

function parseCombo(combo: string): KeyCombo {
  const parts = combo.split('+');
  // "+" itself would be the key after a trailing "+"; no shortcut uses it.
  const key = parts.pop()!;
  return { key: normaliseKey(key), mod: parts.includes('Mod'), shift: parts.includes('Shift'), alt: parts.includes('Alt') };
}

function normaliseKey(key: string): string {
  return key.length === 1 ? key.toUpperCase() : key;
}

/** The action a key press triggers, or null. */
export function shortcutAction(input: KeyInput, shortcuts: readonly Shortcut[] = EDITOR_SHORTCUTS): EditorAction | null {
  const key = normaliseKey(input.key);
  const mod = Boolean(input.ctrlKey || input.metaKey);
  for (const shortcut of shortcuts) {
    for (const combo of shortcut.keys) {
      const c = parseCombo(combo);
      if (c.key === key && c.mod === mod && c.shift === Boolean(input.shiftKey) && c.alt === Boolean(input.altKey)) {
        return shortcut.action;
      }
    }
  }
  return null;
}

/** A combination as the help overlay shows it: "Ctrl+Shift+Z", or "⌘⇧Z" on macOS. */
export function formatShortcut(combo: string, platform: 'mac' | 'other'): string {
  if (platform === 'other') return combo.replace(/\bMod\b/g, 'Ctrl');
  const symbols: Record<string, string> = { Mod: '⌘', Shift: '⇧', Alt: '⌥' };
  return combo.split('+').map((part) => symbols[part] ?? part).join('');
}
