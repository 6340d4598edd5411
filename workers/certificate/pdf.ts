// The certificate as a Persian PDF: Vazirmatn (from npm) embedded, text set
// right to left and right-aligned, and a QR code of the public verification
// link in the corner.
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { persianDigits } from '../../platform/persian.ts';
import { forReversingLayout } from './bidi.ts';

const require = createRequire(import.meta.url);
const fontRegular = require.resolve('vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf');
const fontBold = require.resolve('vazirmatn/fonts/ttf/Vazirmatn-Bold.ttf');

export interface CertificateContent {
  title: string;
  number: string;
  issuedOn: string;
  districtName: string;
  holderName: string;
  holderNationalCode: string;
  trackingCode: string;
  /** Lines of particulars from the request form, already in Persian. */
  particulars: string[];
  verificationCode: string;
  verificationUrl: string;
}

export async function renderCertificatePdf(content: CertificateContent): Promise<Buffer> {
  const qr = await QRCode.toBuffer(content.verificationUrl, { type: 'png', errorCorrectionLevel: 'M', margin: 1, width: 240 });
  const doc = new PDFDocument({
    size: 'A4', margin: 56,
    info: { Title: `${content.title} ${content.number}`, Author: 'Shahrdari Mashhad', Subject: content.verificationCode },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.registerFont('regular', fontRegular);
  doc.registerFont('bold', fontBold);
  const rtl = (text: string, options: PDFKit.Mixins.TextOptions = {}) => doc.text(forReversingLayout(text), { align: 'right', ...options });

  doc.image(qr, 56, 56, { width: 110 });
  doc.font('bold').fontSize(14);
  rtl('شهرداری مشهد');
  doc.font('regular').fontSize(12);
  rtl(content.districtName);
  doc.moveDown(2);
  doc.font('bold').fontSize(22);
  rtl(content.title, { align: 'center' });
  doc.moveDown(1.5);
  doc.font('regular').fontSize(12);
  rtl(`شماره: ${persianDigits(content.number)}`);
  rtl(`تاریخ صدور: ${content.issuedOn}`);
  rtl(`کد پیگیری درخواست: ${persianDigits(content.trackingCode)}`);
  doc.moveDown();
  rtl(`بدین‌وسیله گواهی می‌شود که ${content.holderName} به کد ملی ${persianDigits(content.holderNationalCode)} مشمول این ${content.title} است.`);
  doc.moveDown();
  for (const line of content.particulars) rtl(line);
  doc.moveDown(2);
  rtl('برای اطمینان از اصالت، کد زیر را در سامانه شهرداری وارد کنید یا رمزینه را بخوانید:');
  doc.font('bold').fontSize(14).text(content.verificationCode, { align: 'right' });
  doc.font('regular').fontSize(9).text(content.verificationUrl, { align: 'right' });
  doc.end();
  return done;
}
