// The labelmap editor (no Vue): labelmap model, undo history, brushes, fills, tools, Konva layers.
export * from './slices';
export * from './intensity';
export * from './labelmap';
export * from './label-rendering';
export * from './change-encoding';
export * from './history';
export * from './brush-strategies';
export * from '../../shared/distance-transform';
export * from './region-fill';
export * from './slice-interpolation';
export * from './components';
export * from './tools/tool-types';
export * from './tool-registry';
export * from './shortcuts';
export * from './tool-controller';
export * from './slice-layers';
