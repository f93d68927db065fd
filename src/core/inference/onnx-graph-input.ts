// The model's input as its ONNX graph declares it: name, element type and dims (numbers fixed,
// strings symbolic, null unknown), read from the protobuf without ONNX Runtime. Importing a foreign
// model fills from this what a manifest would otherwise have to repeat.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { UserError } from '../../shared/errors';
import { ProtoReader, ProtobufError, WIRE_LENGTH_DELIMITED, WIRE_VARINT } from './protobuf-wire';

export interface GraphInput {
  name: string;
  /** TensorProto.DataType: 1 is float32. */
  elementType: number;
  dims: (number | string | null)[];
}

const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const TENSOR_NAME = 8;

/** The length-delimited payloads of `field` in a message, in order. */
function messages(bytes: Uint8Array, field: number): Uint8Array[] {
  const reader = new ProtoReader(bytes);
  const found: Uint8Array[] = [];
  while (!reader.done) {
    const h = reader.header();
    if (h.field === field && h.wireType === WIRE_LENGTH_DELIMITED) found.push(reader.lengthDelimited());
    else reader.skip(h.wireType);
  }
  return found;
}

function stringField(bytes: Uint8Array, field: number): string {
  const [payload] = messages(bytes, field);
  return payload ? new TextDecoder().decode(payload) : '';
}

function varintField(bytes: Uint8Array, field: number): number | null {
  const reader = new ProtoReader(bytes);
  let value: number | null = null;
  while (!reader.done) {
    const h = reader.header();
    if (h.field === field && h.wireType === WIRE_VARINT) value = reader.varint();
    else reader.skip(h.wireType);
  }
  return value;
}

function dimension(bytes: Uint8Array): number | string | null {
  const value = varintField(bytes, 1);
  // -1 (a dynamic dim some exporters write as a value) arrives as a huge unsigned varint.
  if (value !== null && value > 0 && value < 2 ** 31) return value;
  const param = stringField(bytes, 2);
  return param || null;
}

function valueInfo(bytes: Uint8Array): GraphInput {
  const name = stringField(bytes, 1);
  const [type] = messages(bytes, 2);
  const [tensor] = type ? messages(type, 1) : [];
  if (!tensor) return { name, elementType: 0, dims: [] };
  const [shape] = messages(tensor, 2);
  return { name, elementType: varintField(tensor, 1) ?? 0, dims: shape ? messages(shape, 1).map(dimension) : [] };
}

/** The graph's first real input (initializers listed as inputs, as older exporters do, are skipped). */
export async function readGraphInput(path: string): Promise<GraphInput> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new UserError(`Cannot read the model file ${path}: ${(e as Error).message}.`);
  }
  try {
    const [graph] = messages(bytes, MODEL_GRAPH);
    if (!graph) throw new ProtobufError('it has no graph');
    const initializers = new Set(messages(graph, GRAPH_INITIALIZER).map((t) => stringField(t, TENSOR_NAME)));
    const input = messages(graph, GRAPH_INPUT).map(valueInfo).find((i) => !initializers.has(i.name));
    if (!input) throw new ProtobufError('its graph has no input');
    return input;
  } catch (e) {
    if (e instanceof ProtobufError) throw new UserError(`${basename(path)} is not a valid ONNX model (${e.message}). Export the model to ONNX and try again.`);
    throw e;
  }
}
