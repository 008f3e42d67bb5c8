// Draws media/icon.png (128x128): two opposed arrows, the channel send and receive, on Go blue.
// Kept as a script so the icon can be regenerated without an image editor.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const N = 128;
const px = Buffer.alloc(N * N * 4);
const set = (x, y, [r, g, b, a]) => {
  if (x < 0 || y < 0 || x >= N || y >= N) return;
  const i = (y * N + x) * 4;
  px[i] = r; px[i + 1] = g; px[i + 2] = b; px[i + 3] = a;
};
const blue = [0, 173, 216, 255];
const white = [255, 255, 255, 255];
const dark = [0, 89, 122, 255];
for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
  const r = 20; // rounded square
  const dx = Math.max(r - x, x - (N - 1 - r), 0);
  const dy = Math.max(r - y, y - (N - 1 - r), 0);
  set(x, y, dx * dx + dy * dy <= r * r ? blue : [0, 0, 0, 0]);
}
function arrow(y0, leftToRight, color) {
  const x0 = 24, x1 = 104, half = 6, head = 18;
  for (let x = x0; x <= x1; x++) for (let y = y0 - half; y <= y0 + half; y++) {
    const tip = leftToRight ? x1 - x : x - x0;
    if (tip < head) {
      if (Math.abs(y - y0) <= tip + 1) set(x, y, color);
    } else set(x, y, color);
  }
  for (let t = 0; t < head; t++) for (let y = y0 - head + t; y <= y0 + head - t; y++) set(leftToRight ? x1 - head + t : x0 + head - t, y, color);
}
arrow(46, true, white);
arrow(82, false, dark);
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) px.copy(raw, y * (N * 4 + 1) + 1, y * N * 4, (y + 1) * N * 4);
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0); ihdr.writeUInt32BE(N, 4); ihdr[8] = 8; ihdr[9] = 6;
writeFileSync('media/icon.png', Buffer.concat([
  Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
]));
