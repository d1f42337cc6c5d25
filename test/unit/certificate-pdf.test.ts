import jsQR from 'jsqr';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { expect, test } from 'vitest';
import { renderCertificatePdf } from '../../views/certificate-pdf';
import { certificateContent } from '../support/certificate';

/**
 * The filled rectangles of the page's largest filled path (the QR code), painted black on white at
 * `scale` pixels a point, with a white margin: what a phone's camera would see of the printed code.
 */
async function qrPixels(bytes: Uint8Array, scale = 4) {
  const page = await (await getDocument({ data: bytes, verbosity: 0 }).promise).getPage(1);
  const ops = await page.getOperatorList();
  const boxes: { x0: number; y0: number; x1: number; y1: number }[][] = [];
  ops.fnArray.forEach((fn, i) => {
    if (fn !== OPS.constructPath) return;
    const [, [path]] = ops.argsArray[i] as [number, [Record<string, number>]];
    const values = Object.values(path);
    const found: { x0: number; y0: number; x1: number; y1: number }[] = [];
    let xs: number[] = [];
    let ys: number[] = [];
    for (let k = 0; k < values.length; ) {
      const op = values[k++];
      if (op === 4) {
        found.push({ x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) });
        xs = [];
        ys = [];
      } else {
        xs.push(values[k++] ?? 0);
        ys.push(values[k++] ?? 0);
      }
    }
    boxes.push(found);
  });
  const qr = boxes.sort((a, b) => b.length - a.length)[0] ?? [];
  const left = Math.min(...qr.map((b) => b.x0));
  const bottom = Math.min(...qr.map((b) => b.y0));
  const size = Math.max(...qr.map((b) => b.x1)) - left;
  const margin = 24;
  const side = Math.ceil(size * scale) + 2 * margin;
  const pixels = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const box of qr) {
    for (let y = Math.floor((box.y0 - bottom) * scale); y < Math.ceil((box.y1 - bottom) * scale); y++) {
      for (let x = Math.floor((box.x0 - left) * scale); x < Math.ceil((box.x1 - left) * scale); x++) {
        // PDF's y grows upwards; an image's downwards.
        const at = ((side - 1 - (y + margin)) * side + (x + margin)) * 4;
        pixels[at] = pixels[at + 1] = pixels[at + 2] = 0;
      }
    }
  }
  return { pixels, side };
}

test('the QR code printed on a certificate leads to its verification page', async () => {
  const url = 'https://cme.example.org/verify/7KQ2-M9XD-4HTA';
  const pdf = await renderCertificatePdf(certificateContent({ verificationUrl: url }));
  const { pixels, side } = await qrPixels(pdf);
  expect(jsQR(pixels, side, side)?.data).toBe(url);
});
