// Draws resources/icon.png (512×512): a chip with an upward "push" arrow on a rounded dark tile.
// Run `node resources/draw-icon.mjs resources/icon.png` to redraw it; no image tools needed.
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
const S = 512,
  px = Buffer.alloc(S * S * 4);
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (b) => {
  let c = 0xffffffff;
  for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (t, d) => {
  const l = Buffer.alloc(4);
  l.writeUInt32BE(d.length);
  const td = Buffer.concat([Buffer.from(t), d]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([l, td, c]);
};
function cover(x, y, inside) {
  // 4x4 supersampling for smooth edges
  let n = 0;
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (inside(x + (i + 0.5) / 4, y + (j + 0.5) / 4)) n++;
  return n / 16;
}
function blend(x, y, [r, g, b], a) {
  const i = (y * S + x) * 4;
  const A = px[i + 3] / 255;
  const o = a + A * (1 - a);
  if (o === 0) return;
  for (const [k, v] of [
    [0, r],
    [1, g],
    [2, b],
  ])
    px[i + k] = Math.round((v * a + px[i + k] * A * (1 - a)) / o);
  px[i + 3] = Math.round(o * 255);
}
const roundRect = (x0, y0, x1, y1, r) => (x, y) => {
  const cx = Math.min(Math.max(x, x0 + r), x1 - r),
    cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return x >= x0 && x <= x1 && y >= y0 && y <= y1 && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const shapes = [];
shapes.push([roundRect(24, 24, 488, 488, 96), [22, 26, 33]]);
// chip pins
for (let k = 0; k < 4; k++) {
  const p = 176 + k * 48;
  shapes.push([roundRect(p - 9, 110, p + 9, 402, 6), [150, 160, 175]]);
  shapes.push([roundRect(110, p - 9, 402, p + 9, 6), [150, 160, 175]]);
}
shapes.push([roundRect(140, 140, 372, 372, 28), [46, 52, 64]]);
shapes.push([roundRect(150, 150, 362, 362, 22), [34, 197, 140]]);
// arrow up
const arrow = (x, y) =>
  (x >= 236 && x <= 276 && y >= 240 && y <= 320) || (y >= 180 && y <= 252 && Math.abs(x - 256) <= (y - 180) * 0.95);
shapes.push([arrow, [16, 20, 26]]);
for (let y = 0; y < S; y++)
  for (let x = 0; x < S; x++)
    for (const [inside, color] of shapes) {
      const a = cover(x, y, inside);
      if (a > 0) blend(x, y, color, a);
    }
const raw = Buffer.alloc(S * (S * 4 + 1));
for (let y = 0; y < S; y++) px.copy(raw, y * (S * 4 + 1) + 1, y * S * 4, (y + 1) * S * 4);
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(S, 0);
ihdr.writeUInt32BE(S, 4);
ihdr[8] = 8;
ihdr[9] = 6;
writeFileSync(
  process.argv[2],
  Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]),
);
