// The certificate as a Persian PDF: Vazirmatn (from npm) embedded, laid out
// right to left with the Unicode Bidirectional Algorithm line by line
// (bidi.ts), and a QR code of the public verify page in the corner.
//
// Each directional run is drawn on its own: pdfkit hands a run to fontkit,
// which shapes Persian letters (joining forms, lam-alef) and lays a run of an
// Arabic-script text out right to left by itself, so runs go in logical
// order. Digits are ASCII in the text and drawn Persian by Vazirmatn FD, so
// the text layer (pdftotext, screen readers) holds the digits as entered;
// runs with Latin letters (codes, addresses on the web) use plain Vazirmatn,
// whose digits are Latin, so a code reads as it is typed.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { rightToLeftParagraph, visualRuns, wrapLines, type DirectionalRun } from './bidi.ts';

const require = createRequire(import.meta.url);
const fontFiles = {
  regular: require.resolve('vazirmatn/misc/Farsi-Digits/fonts/ttf/Vazirmatn-FD-Regular.ttf'),
  bold: require.resolve('vazirmatn/misc/Farsi-Digits/fonts/ttf/Vazirmatn-FD-Bold.ttf'),
  latinRegular: require.resolve('vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf'),
  latinBold: require.resolve('vazirmatn/fonts/ttf/Vazirmatn-Bold.ttf'),
};
type FontName = keyof typeof fontFiles;

/** The fontkit pdfkit itself opens fonts with (the same module instance), and the parts of a font used here. */
interface FontkitFont { layout: unknown; _tables: Record<string, unknown> }
const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as { create(buffer: Buffer): FontkitFont };

/**
 * The fonts, read and parsed once per process; each document gets fonts of
 * its own on them. A font's tables (glyph outlines' index, metrics, the
 * shaping rules of GSUB and GPOS) are decoded at their first use and never
 * change, so the fonts share them — as fontkit's own font variations share
 * their parent's — and decoding them was most of a certificate's cost. What a
 * font learns while drawing stays with its document: fontkit keeps the code
 * points a glyph was first drawn for, which pdfkit writes into the text
 * layer, so a font shared whole between documents would carry one
 * certificate's oddities (a letter beside a zero-width non-joiner) into the
 * text of the next.
 */
let parsedFonts: Record<FontName, { data: Buffer; tables: Record<string, unknown> }> | undefined;
function fontsOfDocument(): Record<FontName, FontkitFont> {
  parsedFonts ??= Object.fromEntries(Object.entries(fontFiles).map(([name, file]) => {
    const data = fs.readFileSync(file);
    return [name, { data, tables: fontkit.create(data)._tables }];
  })) as NonNullable<typeof parsedFonts>;
  return Object.fromEntries(Object.entries(parsedFonts).map(([name, { data, tables }]) => {
    const font = fontkit.create(data);
    font._tables = tables;
    return [name, font];
  })) as Record<FontName, FontkitFont>;
}

/**
 * Widths of shaped runs, by font, size and text: shaping Persian (fontkit's
 * joining and ligatures) is most of a certificate's cost, and the labels and
 * most values recur from one certificate to the next.
 */
const widths = new Map<string, number>();
const widthsKept = 20_000;

export interface CertificateParticular {
  /** The form's own Persian label. */
  label: string;
  /** The answer as a person reads it (an option's label, a Jalali date). */
  value: string;
}

export interface CertificateContent {
  title: string;
  number: string;
  issuedOn: string;
  districtName: string;
  holderName: string;
  holderNationalCode: string;
  trackingCode: string;
  particulars: CertificateParticular[];
  verificationCode: string;
  verificationUrl: string;
}

/** Persian and Arabic-Indic digits as ASCII: the FD font draws them Persian, and the text layer keeps one kind of digit in logical order. */
function asciiDigits(text: string): string {
  return text.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660));
}

/**
 * A ligature of Persian letters (lam-alef) is one glyph standing for two
 * letters, written in logical order in the font's ToUnicode map; text
 * extraction reads a right-to-left line by reversing its characters, which
 * would turn «لا» into «ال». Such glyphs are mapped in visual order instead,
 * so the reversal restores them. pdfkit keeps the map per embedded font in
 * `unicode` (one list of code points per glyph id).
 */
function mapLigaturesInVisualOrder(doc: PDFKit.PDFDocument): void {
  const families = (doc as unknown as { _fontFamilies: Record<string, { unicode?: number[][] }> })._fontFamilies;
  for (const font of new Set(Object.values(families))) { // one font sits under its name and its key
    for (const [gid, codePoints] of (font.unicode ?? []).entries()) {
      if (codePoints && codePoints.length > 1 && codePoints.every((c) => /\p{Script=Arabic}/u.test(String.fromCodePoint(c)))) {
        font.unicode![gid] = [...codePoints].reverse();
      }
    }
  }
}

type Weight = 'regular' | 'bold';
interface TextStyle { weight?: Weight; size?: number; align?: 'right' | 'center' | 'left'; color?: string }

const page = { width: 595.28, height: 841.89, margin: 48 };
/** pdfkit's `features` option, given at all, makes it lay a run out whole instead of word by word. */
const wholeRun = { features: [] as PDFKit.Mixins.OpenTypeFeatures[], lineBreak: false };

/** Draws right-to-left paragraphs into a box, keeping the vertical position. */
class RightToLeftWriter {
  y: number;

  constructor(private readonly doc: PDFKit.PDFDocument, y: number) {
    this.y = y;
  }

  private fontFor(run: DirectionalRun, weight: Weight): FontName {
    const latin = /[A-Za-z]/.test(run.text);
    return latin ? (weight === 'bold' ? 'latinBold' : 'latinRegular') : weight;
  }

  /** The characters as the shaper must receive them for the run to come out in visual order. */
  private shaperText(run: DirectionalRun): string {
    return run.rightToLeft && !run.hasRightToLeftLetter ? [...run.text].reverse().join('') : run.text;
  }

  private runWidth(run: DirectionalRun, weight: Weight, size: number): number {
    const font = this.fontFor(run, weight);
    const text = this.shaperText(run);
    const key = `${font}|${size}|${text}`;
    let width = widths.get(key);
    if (width === undefined) {
      width = this.doc.font(font).fontSize(size).widthOfString(text, wholeRun);
      if (widths.size >= widthsKept) widths.clear();
      widths.set(key, width);
    }
    return width;
  }

  /** Writes `text` wrapped to `width`, its right edge at `right`; returns the height used. */
  paragraph(text: string, right: number, width: number, style: TextStyle = {}): number {
    const { weight = 'regular', size = 11, align = 'right', color = '#111111' } = style;
    const lineHeight = size * 1.9;
    const top = this.y;
    for (const line of asciiDigits(text).split('\n')) {
      const paragraph = rightToLeftParagraph(line);
      const fits = (start: number, end: number) =>
        visualRuns(paragraph, start, end).reduce((sum, run) => sum + this.runWidth(run, weight, size), 0) <= width;
      // Most lines fit whole: one measurement instead of one per word.
      const whole = line.trim() !== '' && !line.startsWith(' ') && fits(0, line.length);
      const lines: Array<[number, number]> = whole ? [[0, line.length]] : wrapLines(line, fits);
      for (const [start, end] of lines) {
        const runs = visualRuns(paragraph, start, end);
        const widths = runs.map((run) => this.runWidth(run, weight, size));
        const lineWidth = widths.reduce((sum, w) => sum + w, 0);
        let x = align === 'right' ? right - lineWidth : align === 'center' ? right - width + (width - lineWidth) / 2 : right - width;
        runs.forEach((run, i) => {
          this.doc.font(this.fontFor(run, weight)).fontSize(size).fillColor(color).text(this.shaperText(run), x, this.y, wholeRun);
          x += widths[i]!;
        });
        this.y += lineHeight;
      }
    }
    return this.y - top;
  }

  gap(points: number): void {
    this.y += points;
  }
}

/**
 * The QR code as an opaque greyscale PNG (pngjs's options): pdfkit embeds
 * such a PNG's compressed rows as they are, where RGBA (qrcode's default)
 * made it decode every pixel and compress colour and alpha again, a third of
 * a certificate's cost. The "up" filter is the one that suits a QR code's
 * repeated rows; trying every filter on each row cost more than it saved.
 */
const qrPng = { colorType: 0, filterType: 2 };

export async function renderCertificatePdf(content: CertificateContent): Promise<Buffer> {
  const qr = await QRCode.toBuffer(content.verificationUrl, { type: 'png', errorCorrectionLevel: 'M', margin: 1, width: 300, rendererOpts: qrPng } as QRCode.QRCodeToBufferOptions);
  const doc = new PDFDocument({
    size: 'A4', margin: page.margin, lang: 'fa-IR', displayTitle: true,
    info: { Title: `${content.title} ${content.number}`, Author: 'شهرداری مشهد', Subject: content.verificationCode },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const [name, font] of Object.entries(fontsOfDocument())) doc.registerFont(name, font as unknown as PDFKit.Mixins.PDFFontSource);

  const { margin } = page;
  const right = page.width - margin - 16;
  const left = margin + 16;
  const fullWidth = right - left;
  doc.lineWidth(1.5).strokeColor('#1f5132').rect(margin, margin, page.width - 2 * margin, page.height - 2 * margin).stroke();
  doc.lineWidth(0.5).rect(margin + 5, margin + 5, page.width - 2 * margin - 10, page.height - 2 * margin - 10).stroke();

  const qrSize = 104;
  doc.image(qr, left, margin + 20, { width: qrSize });
  const w = new RightToLeftWriter(doc, margin + 24);
  w.paragraph('شهرداری مشهد', right, fullWidth - qrSize - 16, { weight: 'bold', size: 16 });
  w.paragraph(content.districtName, right, fullWidth - qrSize - 16, { size: 12 });
  w.gap(Math.max(0, margin + 20 + qrSize + 24 - w.y));

  w.paragraph(content.title, right, fullWidth, { weight: 'bold', size: 22, align: 'center', color: '#1f5132' });
  w.gap(10);

  const labelWidth = 150;
  const row = (label: string, value: string) => {
    const top = w.y;
    w.paragraph(label, right, labelWidth, { weight: 'bold' });
    const labelBottom = w.y;
    w.y = top;
    w.paragraph(value || '—', right - labelWidth - 8, fullWidth - labelWidth - 8);
    w.y = Math.max(w.y, labelBottom);
  };
  row('شماره مجوز', content.number);
  row('تاریخ صدور', content.issuedOn);
  row('کد پیگیری درخواست', content.trackingCode);
  w.gap(8);
  w.paragraph(`بدین‌وسیله گواهی می‌شود که ${content.holderName} به کد ملی ${content.holderNationalCode} مشمول این ${content.title} است.`, right, fullWidth);
  w.gap(8);

  if (content.particulars.length > 0) {
    w.paragraph('مشخصات درخواست', right, fullWidth, { weight: 'bold', size: 13, color: '#1f5132' });
    doc.lineWidth(0.5).strokeColor('#9bb5a4').moveTo(left, w.y - 4).lineTo(right, w.y - 4).stroke();
    w.gap(4);
    for (const { label, value } of content.particulars) row(label, value);
  }

  w.y = Math.max(w.y + 16, page.height - margin - 130);
  doc.lineWidth(0.5).strokeColor('#9bb5a4').moveTo(left, w.y - 8).lineTo(right, w.y - 8).stroke();
  w.paragraph('برای اطمینان از اصالت این مجوز، رمزینه را بخوانید یا نشانی زیر را باز کنید و کد بررسی را ببینید:', right, fullWidth, { size: 10 });
  row('کد بررسی', content.verificationCode);
  w.paragraph(content.verificationUrl, right, fullWidth, { size: 9, color: '#333333' });
  mapLigaturesInVisualOrder(doc);
  doc.end();
  return done;
}
