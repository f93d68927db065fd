// TextEncoder/TextDecoder exist in every runtime shared code runs in (browsers, Node, Electron),
// but the ES library typings shared/ compiles against do not declare them.
declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
