// The few globals that Node, Chromium and Electron's sandboxed preload all provide.
// Declared here because shared/ is type-checked without the DOM or Node libraries.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
