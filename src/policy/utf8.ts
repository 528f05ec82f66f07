/**
 * Strict UTF-8 decoding that can say *where* a file stops being UTF-8, so that a policy file
 * saved as Latin-1 or UTF-16 gets a `file:line:column` error instead of silently mangled text.
 */

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 (a leading BOM is dropped); `undefined` when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Byte offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let length: number;
    let min: number;
    if (b < 0x80) {
      i += 1;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      length = 2;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + length > bytes.length) return i;
    let codePoint = b & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (c & 0x3f);
    }
    const surrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
    if (codePoint < min || codePoint > 0x10ffff || surrogate) return i;
    i += length;
  }
  return bytes.length;
}

/** 1-based line and column (in characters, as editors count them) of a byte offset in valid UTF-8 prefix. */
export function positionOfByte(
  bytes: Uint8Array,
  offset: number,
): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  const before = decodeUtf8(bytes.subarray(lineStart, offset)) ?? '';
  return { line, column: before.length + 1 };
}

/** A hint for the usual causes: UTF-16 (a BOM or NUL bytes) or a legacy single-byte encoding. */
export function encodingHint(bytes: Uint8Array): string {
  const utf16Bom =
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  if (utf16Bom || bytes.subarray(0, 64).includes(0)) return 'it looks like UTF-16';
  return 'it looks like a legacy encoding such as Windows-1252 or Latin-1';
}
