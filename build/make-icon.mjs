// Draws the application icon (build/icon.svg is the same drawing as a vector) into
// build/icon.png, 1024×1024, from which electron-builder makes the .ico and .icns.
// A sheet of paper with a dashed "tearline": dark lines above it (the protected part),
// light lines below it (the releasable part). Run: node build/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const SIZE = 1024;

/** [x0, y0, x1, y1, radius, rgb] in a 1024 grid, drawn in order. */
export function shapes() {
  const out = [
    [64, 64, 960, 960, 180, [0x1f, 0x2a, 0x37]],
    [232, 168, 792, 856, 40, [0xf4, 0xf1, 0xea]],
  ];
  for (const [y, x1] of [[260, 724], [340, 724], [420, 600]]) out.push([300, y, x1, y + 36, 18, [0x3b, 0x4a, 0x5c]]);
  for (let x = 272; x + 60 <= 752; x += 96) out.push([x, 508, x + 60, 532, 6, [0xd9, 0x48, 0x0f]]);
  for (const [y, x1] of [[610, 724], [690, 724], [770, 640]]) out.push([300, y, x1, y + 36, 18, [0x8a, 0x96, 0xa3]]);
  return out;
}

function inside([x0, y0, x1, y1, r], x, y) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** RGBA pixels, 4×4 supersampled so that the curves are smooth. */
export function render(size = SIZE) {
  const px = new Uint8Array(size * size * 4);
  const scale = SIZE / size;
  const list = shapes();
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let pxl = 0; pxl < size; pxl++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (pxl + (sx + 0.5) / n) * scale;
          const y = (py + (sy + 0.5) / n) * scale;
          let hit;
          for (const s of list) if (inside(s, x, y)) hit = s[5];
          if (hit) { r += hit[0]; g += hit[1]; b += hit[2]; a += 255; }
        }
      }
      const k = n * n;
      const i = (py * size + pxl) * 4;
      // Premultiplied sums → straight alpha.
      const cov = a / 255;
      px[i] = cov ? Math.round(r / cov) : 0;
      px[i + 1] = cov ? Math.round(g / cov) : 0;
      px[i + 2] = cov ? Math.round(b / cov) : 0;
      px[i + 3] = Math.round(a / k);
    }
  }
  return px;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

export function encodePng(rgba, size) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = new URL('./icon.png', import.meta.url);
  writeFileSync(out, encodePng(render(SIZE), SIZE));
  console.log(`wrote ${fileURLToPath(out)}`);
}
