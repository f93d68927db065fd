// Every editing tool, declared once. The toolbar, the keyboard map, the shortcut help, the tool
// panel and the views read this list: a new tool is one entry here and its file in tools/.
import { brushTool, eraserTool, thresholdBrushTool } from './tools/brush-tool';
import { crosshairTool } from './tools/crosshair-tool';
import { eraseComponentTool } from './tools/erase-component-tool';
import { floodFillTool } from './tools/flood-fill-tool';
import { polygonTool } from './tools/polygon-tool';
import { aiClicksTool } from './tools/ai-clicks-tool';
import type { ToolDefinition } from './tools/tool-types';

export const TOOL_REGISTRY = [
  crosshairTool, brushTool, eraserTool, thresholdBrushTool, polygonTool, floodFillTool, eraseComponentTool, aiClicksTool,
] as const;

export type ToolId = (typeof TOOL_REGISTRY)[number]['id'];

const BY_ID = new Map<string, ToolDefinition>(TOOL_REGISTRY.map((t) => [t.id, t]));

export function toolDefinition(id: ToolId): ToolDefinition<ToolId> {
  return BY_ID.get(id) as ToolDefinition<ToolId>;
}

export function isToolId(id: string): id is ToolId {
  return BY_ID.has(id);
}
