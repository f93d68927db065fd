// The keyboard map as data, so the help overlay lists exactly what the keys do. Tool keys come from
// the tool registry; the rest are the editor's commands and the workstation's view commands.
// "Mod" is Ctrl, or ⌘ on macOS. Letters match either case; other modifiers must match exactly,
// except Shift on symbol keys ("?", "]"), whose character already says whether Shift was held.
import { TOOL_REGISTRY, type ToolId } from './tool-registry';

/** Commands the EditorController performs itself. */
export type EditorCommand = 'brush.smaller' | 'brush.larger' | 'undo' | 'redo' | 'interpolate' | 'cancel' | 'confirm';
/** Commands the workstation around the editor performs (it registers them with the controller). */
export type HostCommand = 'slice.next' | 'slice.previous' | 'slice.forward' | 'slice.back' | 'help' | 'ai.propagate';
export type EditorAction = `tool.${ToolId}` | EditorCommand | HostCommand;

export type ShortcutGroup = 'Tools' | 'Brush' | 'Edit' | 'View';

export interface Shortcut {
  action: EditorAction;
  /** Each entry is one key combination, e.g. "Mod+Shift+Z". */
  keys: readonly string[];
  description: string;
  group: ShortcutGroup;
}

const COMMAND_SHORTCUTS: readonly Shortcut[] = [
  { action: 'brush.smaller', keys: ['['], description: 'Smaller brush', group: 'Brush' },
  { action: 'brush.larger', keys: [']'], description: 'Larger brush', group: 'Brush' },
  { action: 'undo', keys: ['Mod+Z'], description: 'Undo', group: 'Edit' },
  { action: 'redo', keys: ['Mod+Shift+Z', 'Mod+Y'], description: 'Redo', group: 'Edit' },
  { action: 'interpolate', keys: ['I'], description: 'Fill the slices between labelled slices (active label)', group: 'Edit' },
  { action: 'confirm', keys: ['Enter'], description: 'Close the polygon and fill it', group: 'Edit' },
  { action: 'ai.propagate', keys: ['Shift+A'], description: 'AI clicks: carry this slice\'s label to the neighbouring slices until the structure ends', group: 'Edit' },
  { action: 'cancel', keys: ['Escape'], description: 'Cancel the current stroke or polygon', group: 'Edit' },
  { action: 'slice.next', keys: ['ArrowUp', 'ArrowRight'], description: 'Next slice', group: 'View' },
  { action: 'slice.previous', keys: ['ArrowDown', 'ArrowLeft'], description: 'Previous slice', group: 'View' },
  { action: 'slice.forward', keys: ['PageUp'], description: 'Five slices on', group: 'View' },
  { action: 'slice.back', keys: ['PageDown'], description: 'Five slices back', group: 'View' },
  { action: 'help', keys: ['?'], description: 'Show or hide this help', group: 'View' },
];

export const EDITOR_SHORTCUTS: readonly Shortcut[] = [
  ...TOOL_REGISTRY.map((t): Shortcut => ({ action: `tool.${t.id}`, keys: t.keys, description: t.description, group: 'Tools' })),
  ...COMMAND_SHORTCUTS,
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

const isSymbol = (key: string) => key.length === 1 && key.toUpperCase() === key.toLowerCase();

/** The action a key press triggers, or null. */
export function shortcutAction(input: KeyInput, shortcuts: readonly Shortcut[] = EDITOR_SHORTCUTS): EditorAction | null {
  const key = normaliseKey(input.key);
  const mod = Boolean(input.ctrlKey || input.metaKey);
  for (const shortcut of shortcuts) {
    for (const combo of shortcut.keys) {
      const c = parseCombo(combo);
      const shiftMatches = c.shift === Boolean(input.shiftKey) || (isSymbol(key) && !c.mod);
      if (c.key === key && c.mod === mod && shiftMatches && c.alt === Boolean(input.altKey)) return shortcut.action;
    }
  }
  return null;
}

/** A combination as the help overlay shows it: "Ctrl+Shift+Z", or "⌘⇧Z" on macOS. */
export function formatShortcut(combo: string, platform: 'mac' | 'other'): string {
  const arrows: Record<string, string> = { ArrowUp: '↑', ArrowDown: '↓', ArrowLeft: '←', ArrowRight: '→' };
  const named = combo.replace(/Arrow(Up|Down|Left|Right)/g, (a) => arrows[a]);
  if (platform === 'other') return named.replace(/\bMod\b/g, 'Ctrl');
  const symbols: Record<string, string> = { Mod: '⌘', Shift: '⇧', Alt: '⌥' };
  return named.split('+').map((part) => symbols[part] ?? part).join('');
}
