/**
 * Caps a core module's linear memory by rewriting the maximum of every memory it defines, before compiling.
 * V8 then refuses to grow past it and the guest sees an ordinary allocation failure: worker `resourceLimits`
 * do not bound wasm memory, so this is the only cap that holds.
 */
import { KernelError } from '../kernelError.js';

const WASM_PAGE = 65_536;
const MEMORY_SECTION = 5;

/** Returns a copy of `module` whose defined memories may grow to at most `maxBytes`. */
export function capModuleMemory(module: Uint8Array, maxBytes: number): Uint8Array<ArrayBuffer> {
  const maxPages = Math.floor(maxBytes / WASM_PAGE);
  if (module.length < 8 || module[0] !== 0 || module[1] !== 0x61 || module[2] !== 0x73 || module[3] !== 0x6d) {
    throw new KernelError('invalid-component', 'not a core WebAssembly module (bad magic)');
  }
  const parts: Uint8Array[] = [module.subarray(0, 8)];
  let at = 8;
  while (at < module.length) {
    const id = module[at] ?? 0;
    const [size, sizeLength] = readU32(module, at + 1);
    const bodyStart = at + 1 + sizeLength;
    const body = module.subarray(bodyStart, bodyStart + size);
    if (body.length !== size) throw new KernelError('invalid-component', 'truncated core module section');
    if (id === MEMORY_SECTION) {
      const rewritten = rewriteMemories(body, maxPages);
      parts.push(Uint8Array.of(id), writeU32(rewritten.length), rewritten);
    } else {
      parts.push(module.subarray(at, bodyStart + size));
    }
    at = bodyStart + size;
  }
  return concat(parts);
}

function rewriteMemories(body: Uint8Array, maxPages: number): Uint8Array<ArrayBuffer> {
  const [count, countLength] = readU32(body, 0);
  const parts: Uint8Array[] = [writeU32(count)];
  let at = countLength;
  for (let i = 0; i < count; i++) {
    const flags = body[at] ?? 0;
    if ((flags & 0x04) !== 0) throw new KernelError('invalid-component', 'memory64 is not supported');
    const shared = flags & 0x02;
    const [min, minLength] = readU32(body, at + 1);
    at += 1 + minLength;
    let max = maxPages;
    if ((flags & 0x01) !== 0) {
      const [declaredMax, maxLength] = readU32(body, at);
      at += maxLength;
      max = Math.min(declaredMax, maxPages);
    }
    if (min > max) {
      throw new KernelError(
        'component-too-large',
        `the component needs ${Math.ceil((min * WASM_PAGE) / 2 ** 20)} MiB of memory at start; limits.memory_mb allows ${Math.floor((maxPages * WASM_PAGE) / 2 ** 20)}`,
      );
    }
    parts.push(Uint8Array.of(0x01 | shared), writeU32(min), writeU32(max));
  }
  return concat(parts);
}

function readU32(bytes: Uint8Array, offset: number): [value: number, length: number] {
  let result = 0;
  let shift = 0;
  for (let i = 0; i < 5; i++) {
    const byte = bytes[offset + i];
    if (byte === undefined) break;
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [result, i + 1];
    shift += 7;
  }
  throw new KernelError('invalid-component', 'malformed LEB128 integer in core module');
}

function writeU32(value: number): Uint8Array {
  const out: number[] = [];
  let rest = value;
  do {
    let byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
    if (rest !== 0) byte |= 0x80;
    out.push(byte);
  } while (rest !== 0);
  return Uint8Array.from(out);
}

function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
