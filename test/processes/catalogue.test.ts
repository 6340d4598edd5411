// The catalogue: all 54 services, validated at load, with errors that name the service and field.
import t from 'tap';
import { CatalogueError, headings, loadCatalogue, services, validateCatalogue } from '../../processes/catalogue/index.ts';
import { validateService } from '../../processes/catalogue/load.ts';
import { allJobTypes, jobContracts, jobTypes, messageContracts, messageNames, userTaskJobType } from '../../processes/catalogue/contract.ts';
import { errorCodes } from '../../processes/catalogue/errors.ts';

/** The Persian names the issue lists, under their headings. */
const listed: Record<string, string[]> = {
  'urban-services': ['مجوز قطع درخت', 'هرس درختان', 'جمع‌آوری نخاله ساختمانی', 'جمع‌آوری پسماند حجیم', 'درخواست مخزن زباله', 'رفت‌وروب معابر',
    'رسیدگی به فضای سبز محله', 'گزارش حیوانات بلاصاحب', 'مبارزه با جانوران موذی', 'مجوز استفاده از بوستان', 'مجوز غرفه دستفروشان'],
  'urban-planning': ['پروانه ساختمانی', 'تمدید پروانه ساختمانی', 'گواهی پایان کار', 'گواهی عدم خلاف', 'استعلام طرح تفصیلی', 'پلاک‌کوبی', 'مجوز حفاری معابر',
    'مجوز تعمیرات و بازسازی', 'مجوز تخریب', 'تفکیک اراضی', 'گزارش تخلف ساختمانی', 'ترمیم آسفالت و پیاده‌رو', 'گواهی سفت‌کاری'],
  transport: ['کارت پارک حاشیه‌ای ساکنین', 'مجوز طرح ترافیک', 'درخواست سرعت‌کاه', 'نصب تابلو و علائم', 'پروانه تاکسیرانی', 'پروانه اشتغال راننده تاکسی',
    'پروانه وانت‌بار', 'مجوز انسداد موقت معبر', 'پیوست ترافیکی', 'ترخیص خودروی حمل‌شده'],
  'cultural-social': ['رزرو سالن فرهنگسرا', 'رزرو اماکن ورزشی', 'مجوز برگزاری برنامه فرهنگی', 'ثبت‌نام کلاس‌های سرای محله', 'مجوز تابلو تبلیغاتی', 'مجوز دیوارنگاری',
    'معرفی به حمایت اجتماعی', 'ثبت‌نام شورایاری', 'ثبت‌نام داوطلبان', 'مناسب‌سازی برای سالمندان و معلولان'],
  'public-relations': ['شکایت', 'پیشنهاد', 'تقدیر', 'درخواست دسترسی به اطلاعات', 'ملاقات با شهردار منطقه', 'استعلام بدهی عوارض', 'پرداخت عوارض نوسازی',
    'اعتراض به عوارض', 'درخواست جبران خسارت', 'نظرسنجی و پیگیری'],
};

t.test('given the catalogue, when loaded, then all 54 services under five headings validate', async (t) => {
  const catalogue = loadCatalogue();
  t.equal(catalogue.services.length, 54);
  t.same(catalogue.headings.map((heading) => heading.id), ['urban-services', 'urban-planning', 'transport', 'cultural-social', 'public-relations']);
  t.equal(new Set(catalogue.services.map((service) => service.id)).size, 54, 'ids are unique');
  for (const [heading, names] of Object.entries(listed)) {
    const under = catalogue.services.filter((service) => service.heading === heading);
    t.equal(under.length, names.length, `${heading} has ${names.length} services`);
    for (const name of names) t.ok(under.some((service) => service.name.fa.startsWith(name)), `${heading}: ${name}`);
  }
});

t.test('every service is consistent with its steps', async (t) => {
  for (const service of services) {
    t.match(service.id, /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/);
    t.equal(service.forms.start, `${service.id}-start`);
    t.ok(service.roles.includes('manager'), `${service.id}: the manager receives escalations`);
    if (service.steps.includes('document-check')) t.ok(service.documents.length > 0, `${service.id}: a document check needs documents to check`);
    if (service.fee.kind !== 'none') t.ok(service.steps.includes('payment'), `${service.id}: a fee is paid`);
    if (service.fee.kind === 'fixed') t.ok(Number.isInteger(service.fee.amount), 'rials are integers');
  }
});

t.test('a broken entry is rejected with the service and field named', async (t) => {
  const good = structuredClone(services.find((service) => service.id === 'building-permit')!);
  const cases: Array<[string, (entry: Record<string, unknown>) => void, RegExp]> = [
    ['fractional fee', (entry) => { entry.fee = { kind: 'fixed', amount: 12.5 }; }, /service "building-permit", field "fee/],
    ['unknown channel', (entry) => { entry.channels = ['fax']; }, /field "channels\.0"/],
    ['English-only Persian name', (entry) => { entry.name = { fa: 'Building permit', en: 'Building permit' }; }, /field "name\.fa"/],
    ['missing SLA', (entry) => { delete entry.slaWorkingDays; }, /field "slaWorkingDays": must have required property/],
    ['approval without approver', (entry) => { delete entry.approver; }, /field "approver": an approval step needs an approver role/],
    ['fee without payment', (entry) => { entry.steps = ['document-check', 'certificate']; entry.forms = { start: 'building-permit-start', tasks: { 'document-check': 'task-document-check' } }; delete entry.approver; }, /field "fee": a fee without a payment step/],
    ['bad id', (entry) => { entry.id = 'Building_Permit'; }, /service "Building_Permit", field "id"/],
    ['survey not last', (entry) => { entry.steps = ['survey', ...(entry.steps as string[])]; }, /field "steps": the survey comes last/],
    ['unknown field', (entry) => { entry.colour = 'red'; }, /field "colour"/],
    ['appointment without the in-person channel', (entry) => { entry.channels = ['portal']; entry.steps = ['appointment', ...(entry.steps as string[])]; }, /field "channels": an appointment step/],
  ];
  for (const [name, breakIt, message] of cases) {
    const entry = structuredClone(good) as unknown as Record<string, unknown>;
    breakIt(entry);
    t.throws(() => validateService(entry), { name: 'CatalogueError', message }, name);
  }
  t.throws(() => validateCatalogue({ headings, services: [...services, good] }), new CatalogueError('building-permit', 'id', 'used by two services'));
});

t.test('the contract lists job types, messages and error codes once', async (t) => {
  t.same(jobTypes, jobContracts.map((contract) => contract.type));
  for (const type of ['request.status', 'request.close', 'payment.request', 'payment.reverse', 'inspection.assign', 'approval.route',
    'appointment.book', 'appointment.remind', 'notification.send', 'certificate.issue', 'sla.due-date']) t.ok(jobTypes.includes(type), type);
  t.ok(allJobTypes.includes(userTaskJobType));
  t.same(messageNames.sort(), [
    'appointment-attended', 'appointment-booked', 'appointment-cancelled', 'appointment-missed', 'appointment-moved',
    'payment-confirmed', 'payment-failed', 'request-cancelled', 'request-resubmitted',
  ]);
  for (const message of messageContracts) t.match(message.correlationKey, /^=(paymentId|requestId|appointmentId)$/);
  for (const [key, code] of Object.entries(errorCodes)) t.equal(key, code);
});
