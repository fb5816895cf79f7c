// What the PDFs of issue 11 share (the handover record, the credential letter, the capacity report):
// pdfkit with the DejaVu Sans TrueType fonts shipped through npm (dejavu-fonts-ttf — every
// Vietnamese letter with its tone marks, embedded as a subset, so the file reads the same on any
// machine; Debian's fonts-dejavu-core is the fallback when the npm package is absent), A4 pages,
// the national heading (Quốc hiệu, Tiêu ngữ), titles, labelled lines, simple tables, and the
// document as one Buffer. Dates in Vietnam's time (UTC+7) as DD/MM/YYYY.
// Owns: the PDF document factory and its layout helpers; no request logic.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

export type Pdf = PDFKit.PDFDocument;

const FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', italic: 'DejaVuSans-Oblique.ttf', mono: 'DejaVuSansMono-Bold.ttf' } as const;

let fonts: Record<keyof typeof FILES, string> | null = null;

/** The font files: the npm package's, else Debian's. */
export function fontFiles(): Record<keyof typeof FILES, string> {
  if (fonts) return fonts;
  const dirs: string[] = [];
  try {
    const pkg = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json');
    dirs.push(path.join(path.dirname(pkg), 'ttf'));
  } catch {
    /* not installed: Debian's below */
  }
  dirs.push('/usr/share/fonts/truetype/dejavu');
  for (const dir of dirs) {
    if (Object.values(FILES).every((f) => fs.existsSync(path.join(dir, f)))) {
      fonts = { regular: path.join(dir, FILES.regular), bold: path.join(dir, FILES.bold), italic: path.join(dir, FILES.italic), mono: path.join(dir, FILES.mono) };
      return fonts;
    }
  }
  throw new Error('DejaVu Sans not found: npm install dejavu-fonts-ttf (or apt-get install fonts-dejavu-core)');
}

export interface PdfInfo {
  title: string;
  subject?: string;
  author?: string;
  /** The document's date (its metadata; fixed for reproducible files in tests). */
  createdAt?: number;
}

/** A new A4 document with the fonts registered; `finish` ends it and gives the bytes. */
export function newPdf(info: PdfInfo): { doc: Pdf; finish: () => Promise<Buffer> } {
  const f = fontFiles();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 64, right: 56 },
    info: { Title: info.title, Subject: info.subject ?? info.title, Author: info.author ?? 'thutin', Producer: 'thutin', CreationDate: new Date(info.createdAt ?? Date.now()) },
    bufferPages: true,
  });
  doc.registerFont('regular', f.regular);
  doc.registerFont('bold', f.bold);
  doc.registerFont('italic', f.italic);
  doc.registerFont('mono', f.mono); // codes: 0/O and 1/l/I told apart
  doc.font('regular').fontSize(11);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return {
    doc,
    finish: async () => {
      const range = doc.bufferedPageRange();
      for (let i = range.start; i < range.start + range.count; i++) {
        doc.switchToPage(i);
        const bottom = doc.page.margins.bottom;
        doc.page.margins.bottom = 0;
        doc
          .font('italic')
          .fontSize(8)
          .fillColor('#555')
          .text(`Trang / page ${i + 1}/${range.count}`, doc.page.margins.left, doc.page.height - 36, { width: contentWidth(doc), align: 'right', lineBreak: false });
        doc.page.margins.bottom = bottom;
      }
      doc.end();
      return done;
    },
  };
}

export function contentWidth(doc: Pdf): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

/** Vietnam's calendar day (UTC+7) as DD/MM/YYYY. */
export function viDate(ms: number): string {
  const d = new Date(ms + 7 * 3600_000);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
}

/** DD/MM/YYYY HH:MM in Vietnam's time. */
export function viDateTime(ms: number): string {
  const d = new Date(ms + 7 * 3600_000);
  return `${viDate(ms)} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

/** Bytes as a reader of a report expects them (KB, MB, GB with a decimal comma). */
export function viBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  // 1023,8 MB reads as 1,0 GB: step up when the rounded figure would reach 1024
  while (i < units.length - 1 && (v >= 1024 || (i > 0 && Math.round(v) >= 1024))) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? String(v) : v.toFixed(v >= 100 ? 0 : 1).replace('.', ',')} ${units[i]}`;
}

/** A whole number with dots between thousands (1.234.567). */
export function viNumber(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** The heading of an administrative document: the issuing body on the left, Quốc hiệu and Tiêu ngữ on the right. */
export function nationalHeading(doc: Pdf, issuer: string[]): void {
  const left = doc.page.margins.left;
  const top = doc.y;
  const w = contentWidth(doc);
  const lw = w * 0.42;
  doc.font('regular').fontSize(10);
  doc.text(issuer[0] ?? '', left, top, { width: lw, align: 'center' });
  if (issuer[1]) doc.font('bold').text(issuer[1], { width: lw, align: 'center' });
  const leftEnd = doc.y;
  doc
    .font('bold')
    .fontSize(10)
    .text('CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM', left + lw, top, { width: w - lw, align: 'center' });
  doc
    .font('bold')
    .fontSize(10.5)
    .text('Độc lập - Tự do - Hạnh phúc', { width: w - lw, align: 'center', underline: true });
  doc.y = Math.max(leftEnd, doc.y) + 18;
  doc.x = left;
}

export function title(doc: Pdf, vi: string, en?: string): void {
  doc.x = doc.page.margins.left;
  doc
    .font('bold')
    .fontSize(14)
    .fillColor('black')
    .text(vi, { width: contentWidth(doc), align: 'center' });
  if (en)
    doc
      .font('italic')
      .fontSize(10)
      .fillColor('#333')
      .text(en, { width: contentWidth(doc), align: 'center' });
  doc.fillColor('black').moveDown(1);
}

export function section(doc: Pdf, vi: string, en?: string): void {
  doc.x = doc.page.margins.left;
  doc.moveDown(0.6);
  doc
    .font('bold')
    .fontSize(11.5)
    .fillColor('black')
    .text(en ? `${vi} / ${en}` : vi, { width: contentWidth(doc) });
  doc.moveDown(0.3);
}

/** "Label: value" with the label in bold. */
export function field(doc: Pdf, label: string, value: string): void {
  doc.x = doc.page.margins.left;
  doc
    .font('bold')
    .fontSize(10.5)
    .text(`${label}: `, { continued: true, width: contentWidth(doc) });
  doc.font('regular').text(value || '—');
}

export function paragraph(doc: Pdf, text: string, opts: { italic?: boolean; size?: number } = {}): void {
  doc.x = doc.page.margins.left;
  doc
    .font(opts.italic ? 'italic' : 'regular')
    .fontSize(opts.size ?? 10.5)
    .text(text, { width: contentWidth(doc), align: 'justify' });
}

export interface Column {
  header: string;
  /** Share of the width (the shares are scaled to the page). */
  width: number;
  align?: 'left' | 'right' | 'center';
}

/** A table with a bold header row and thin rules; rows that do not fit go on to a new page with the header again. */
export function table(doc: Pdf, columns: Column[], rows: string[][], opts: { size?: number; boldLast?: boolean } = {}): void {
  const size = opts.size ?? 9.5;
  const left = doc.page.margins.left;
  const w = contentWidth(doc);
  const total = columns.reduce((s, c) => s + c.width, 0);
  const widths = columns.map((c) => (c.width / total) * w);
  const pad = 3;
  const rowHeight = (cells: string[], font: string) => {
    doc.font(font).fontSize(size);
    return Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i] - 2 * pad }))) + 2 * pad;
  };
  const drawRow = (cells: string[], font: string, shade: boolean) => {
    const h = rowHeight(cells, font);
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      if (!shade)
        drawRow(
          columns.map((c) => c.header),
          'bold',
          true,
        );
    }
    const y = doc.y;
    if (shade) doc.rect(left, y, w, h).fill('#eeeeee').fillColor('black');
    let x = left;
    doc.font(font).fontSize(size);
    cells.forEach((c, i) => {
      doc.text(c, x + pad, y + pad, { width: widths[i] - 2 * pad, align: columns[i].align ?? 'left' });
      x += widths[i];
    });
    doc
      .moveTo(left, y + h)
      .lineTo(left + w, y + h)
      .lineWidth(0.4)
      .strokeColor('#999')
      .stroke();
    doc.y = y + h;
  };
  drawRow(
    columns.map((c) => c.header),
    'bold',
    true,
  );
  rows.forEach((r, i) => drawRow(r, opts.boldLast && i === rows.length - 1 ? 'bold' : 'regular', false));
  doc.x = left;
  doc.moveDown(0.5);
}

/** Signature blocks side by side: a role, a note, the name. */
export function signatures(doc: Pdf, blocks: Array<{ role: string; note?: string; name: string }>): void {
  const left = doc.page.margins.left;
  const w = contentWidth(doc) / blocks.length;
  if (doc.y + 110 > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const top = doc.y + 10;
  let bottom = top;
  blocks.forEach((b, i) => {
    const x = left + i * w;
    doc.font('bold').fontSize(10.5).text(b.role, x, top, { width: w, align: 'center' });
    doc
      .font('italic')
      .fontSize(9)
      .text(b.note ?? '(Ký, ghi rõ họ tên / signature and full name)', x, doc.y, { width: w, align: 'center' });
    doc
      .font('bold')
      .fontSize(10.5)
      .text(b.name, x, doc.y + 48, { width: w, align: 'center' });
    bottom = Math.max(bottom, doc.y);
  });
  doc.x = left;
  doc.y = bottom + 10;
}
