/**
 * A tiny PNG encoder (uncompressed deflate), enough for the 256×1 colour ramp that
 * Observable Plot paints for a continuous legend. Private to the library.
 *
 * PNG layout: signature, IHDR, IDAT (a zlib stream), IEND; each chunk is
 * length, type, data, CRC-32 (PNG spec, ISO/IEC 15948, sections 5 and 11).
 * The zlib stream uses "stored" deflate blocks (RFC 1951, 3.2.4), so no compressor is needed.
 *
 * @module
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function adler32(bytes: Uint8Array): number {
  let a = 1, b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function u32(n: number): number[] {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

function chunk(type: string, data: Uint8Array): number[] {
  const typed = new Uint8Array(4 + data.length);
  typed.set([...type].map((ch) => ch.charCodeAt(0)));
  typed.set(data, 4);
  return [...u32(data.length), ...typed, ...u32(crc32(typed))];
}

function zlibStored(raw: Uint8Array): Uint8Array {
  const out: number[] = [0x78, 0x01]; // zlib header: deflate, 32 KiB window, no dictionary
  let start = 0;
  do {
    const block = raw.subarray(start, start + 65535); // a stored block holds at most 65,535 bytes
    start += block.length;
    const final = start >= raw.length ? 1 : 0;
    const n = block.length;
    out.push(final, n & 255, n >>> 8, ~n & 255, (~n >>> 8) & 255);
    for (const b of block) out.push(b);
  } while (start < raw.length);
  out.push(...u32(adler32(raw)));
  return new Uint8Array(out);
}

/** The 8 bytes every PNG file starts with (PNG spec, 5.2). */
const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** Encodes `rgba` (width·height·4 bytes, row-major) as a PNG file. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Uint8Array {
  const raw = new Uint8Array(height * (1 + width * 4));
  for (let y = 0; y < height; y++) {
    raw[y * (1 + width * 4)] = 0; // filter type 0: none
    raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (1 + width * 4) + 1);
  }
  const header = new Uint8Array([...u32(width), ...u32(height), 8, 6, 0, 0, 0]); // 8-bit RGBA
  return new Uint8Array([
    ...PNG_SIGNATURE,
    ...chunk("IHDR", header),
    ...chunk("IDAT", zlibStored(raw)),
    ...chunk("IEND", new Uint8Array(0)),
  ]);
}

/** `data:image/png;base64,...` for the given pixels. */
export function pngDataUrl(width: number, height: number, rgba: Uint8Array): string {
  const bytes = encodePng(width, height, rgba);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `data:image/png;base64,${btoa(binary)}`;
}
