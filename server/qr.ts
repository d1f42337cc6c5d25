import QRCode from 'qrcode';

/**
 * A QR code as inline SVG: crisp at any projector's size, and no image request (the page's
 * Content-Security-Policy allows none from elsewhere). Medium error correction survives a glare
 * spot on the screen and a phone held at an angle.
 */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** The same code as a PNG, for documents that cannot hold SVG (the PDF and Word flyers). */
export function qrPng(text: string, width = 480): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width });
}

/** Where a session's QR code leads: its claim page, marked as reached by QR. */
export function claimUrl(publicUrl: string, organizationCode: string, code: string): string {
  return `${publicUrl}/${organizationCode}/claim/${encodeURIComponent(code)}?via=qr`;
}
