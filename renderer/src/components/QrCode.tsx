import { useMemo } from 'react';
import QRCode from 'qrcode';

/** One SVG path of the dark modules: no canvas, no data URL, nothing inline but the drawing. */
export function qrPath(text: string): { size: number; d: string } {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const { size, data } = qr.modules;
  let d = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (data[y * size + x]) d += `M${x} ${y}h1v1h-1z`;
    }
  }
  return { size, d };
}

/** A QR code of a text (the key card), drawn as SVG. */
export function QrCode({ text, label }: { text: string; label: string }) {
  const { size, d } = useMemo(() => qrPath(text), [text]);
  const margin = 4;
  const box = size + margin * 2;
  return (
    <svg className="qr" role="img" aria-label={label} viewBox={`${-margin} ${-margin} ${box} ${box}`} width={box * 4} height={box * 4} shapeRendering="crispEdges">
      <rect x={-margin} y={-margin} width={box} height={box} fill="#ffffff" />
      <path d={d} fill="#000000" />
    </svg>
  );
}
