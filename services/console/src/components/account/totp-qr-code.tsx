import { create } from 'qrcode';
import { useMemo } from 'react';

/** The blank margin scanners need around a QR code, in modules. */
const QUIET = 4;

/**
 * The otpauth:// URL as a QR code for an authenticator app to scan, drawn here (the `qrcode`
 * library computes the modules) as plain SVG elements: the secret goes to no other server,
 * and no data: or blob: image is needed, so a strict Content-Security-Policy still shows it.
 * Dark on white whatever the colour scheme: scanners need the contrast.
 */
export function TotpQrCode({ url, label, size = 192 }: { url: string; label: string; size?: number }) {
  const { path, width } = useMemo(() => modulePath(url), [url]);
  return (
    <svg
      role="img"
      aria-label={label}
      data-testid="totp-qr"
      width={size}
      height={size}
      viewBox={`0 0 ${width} ${width}`}
      shapeRendering="crispEdges"
      style={{ display: 'block', borderRadius: 4 }}
    >
      <rect width={width} height={width} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}

/** One SVG path: a rectangle for each run of dark modules in a row. */
function modulePath(text: string): { path: string; width: number } {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const parts: string[] = [];
  for (let row = 0; row < modules.size; row += 1) {
    let col = 0;
    while (col < modules.size) {
      if (!modules.get(row, col)) {
        col += 1;
        continue;
      }
      const start = col;
      while (col < modules.size && modules.get(row, col)) col += 1;
      parts.push(`M${start + QUIET} ${row + QUIET}h${col - start}v1h${start - col}z`);
    }
  }
  return { path: parts.join(''), width: modules.size + 2 * QUIET };
}
