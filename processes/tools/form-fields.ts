// Field specifications the form generator turns into form-js components. The
// generated .form files are the source afterwards; this file only seeds them.

import type { ComponentType, FormValidate } from '../forms/types.ts';

/** A form field with its checks (form-js's `validate`, written flat). */
export interface FieldSpec extends Omit<FormValidate, 'validationType'> {
  key: string;
  label: string;
  type: Extract<ComponentType, 'textfield' | 'number' | 'select' | 'radio' | 'checkbox' | 'textarea' | 'datetime'>;
  /** select and radio: [value, Persian label]. */
  values?: Array<[string, string]>;
  /** datetime: 'date' or 'datetime'. */
  subtype?: 'date' | 'datetime';
  description?: string;
  /** FEEL hide condition, e.g. `=documentDecision = "accept"`. */
  hide?: string;
}

const choice = (key: string, label: string, values: Array<[string, string]>, type: 'select' | 'radio' = 'select'): FieldSpec =>
  ({ key, label, type, required: true, values });
const count = (key: string, label: string, min: number, max: number): FieldSpec =>
  ({ key, label, type: 'number', required: true, min, max });
const text = (key: string, label: string, maxLength = 200, required = true): FieldSpec =>
  ({ key, label, type: 'textfield', required, maxLength });
const longText = (key: string, label: string, required = true): FieldSpec =>
  ({ key, label, type: 'textarea', required, maxLength: 2000 });
const date = (key: string, label: string): FieldSpec => ({ key, label, type: 'datetime', subtype: 'date', required: true });

/** Who is asking: every start form begins with these. */
export const identityFields: FieldSpec[] = [
  text('citizenName', 'نام و نام خانوادگی', 100),
  { key: 'nationalCode', label: 'کد ملی', type: 'textfield', required: true, pattern: '^[0-9]{10}$', description: 'ده رقم، بدون خط تیره' },
  { key: 'mobile', label: 'شماره تلفن همراه', type: 'textfield', required: true, pattern: '^(?:\\+98|0098|0)?9[0-9]{9}$', description: 'مانند ۰۹۱۲۳۴۵۶۷۸۹' },
];

/** Where: a property identified by postal code and renewal code. */
export const propertyFields: FieldSpec[] = [
  { key: 'postalCode', label: 'کد پستی ملک', type: 'textfield', required: true, pattern: '^[1-9][0-9]{4}-?[0-9]{5}$' },
  { key: 'renewalCode', label: 'کد نوسازی ملک', type: 'textfield', required: true, pattern: '^[0-9]{1,4}(?:-[0-9]{1,6}){1,6}$', description: 'مانند ۱۲-۳۴-۵۶۷-۸-۰-۰' },
  longText('address', 'نشانی ملک'),
];

/** Where: a place in the street, a postal code when there is one. */
export const locationFields: FieldSpec[] = [
  longText('address', 'نشانی محل'),
  { key: 'postalCode', label: 'کد پستی (در صورت وجود)', type: 'textfield', pattern: '^[1-9][0-9]{4}-?[0-9]{5}$' },
];

const homeAddress: FieldSpec[] = [
  { key: 'postalCode', label: 'کد پستی محل سکونت', type: 'textfield', required: true, pattern: '^[1-9][0-9]{4}-?[0-9]{5}$' },
  longText('address', 'نشانی محل سکونت'),
];

const plate: FieldSpec = {
  key: 'plateNumber', label: 'شماره پلاک خودرو', type: 'textfield', required: true,
  pattern: '^[0-9]{2}\\s?[\\u0600-\\u06FF]\\s?[0-9]{3}\\s?-?\\s?[0-9]{2}$', description: 'مانند ۱۲ ب ۳۴۵ - ۳۶',
};
const permitNumber = text('permitNumber', 'شماره پروانه ساختمانی', 30);
const floorArea = count('floorArea', 'زیربنا (مترمربع)', 1, 100_000);
const eventTitle = text('eventTitle', 'عنوان برنامه');
const attendance = count('expectedAttendance', 'تعداد تقریبی شرکت‌کنندگان', 1, 100_000);
const details = longText('details', 'شرح');
const subject = text('subject', 'موضوع');
const licenceNumber = text('drivingLicenceNumber', 'شماره گواهینامه', 20);
const vehicleModel = text('vehicleModel', 'نوع و مدل خودرو', 60);

/** Service-specific fields after identity (and the place, where relevant). */
export const serviceFields: Record<string, FieldSpec[]> = {
  'tree-felling-permit': [...propertyFields, count('treeCount', 'تعداد درختان', 1, 50), text('treeSpecies', 'گونه درخت', 60, false),
    choice('fellingReason', 'علت درخواست قطع', [['dead', 'خشک‌شدن'], ['hazard', 'خطر سقوط'], ['disease', 'آفت و بیماری'], ['construction', 'احداث بنا']])],
  'tree-pruning': [...locationFields, count('treeCount', 'تعداد درختان', 1, 100), choice('urgency', 'فوریت', [['normal', 'عادی'], ['urgent', 'خطر برخورد با سیم برق یا ساختمان']], 'radio')],
  'construction-debris-removal': [...locationFields, count('debrisVolume', 'حجم تقریبی نخاله (مترمکعب)', 1, 100)],
  'bulky-waste-collection': [...locationFields, longText('itemsDescription', 'فهرست اقلام'), date('preferredDate', 'تاریخ پیشنهادی جمع‌آوری')],
  'waste-bin-request': [...propertyFields, count('binCount', 'تعداد مخزن', 1, 10),
    choice('binSize', 'گنجایش مخزن', [['240', '۲۴۰ لیتری'], ['660', '۶۶۰ لیتری'], ['1100', '۱۱۰۰ لیتری']]), count('buildingUnits', 'تعداد واحدهای ساختمان', 1, 500)],
  'street-cleaning': [...locationFields, choice('issueType', 'نوع مشکل', [['litter', 'زباله رهاشده'], ['sweeping', 'نیاز به جاروکشی'], ['washing', 'نیاز به شست‌وشو'], ['gutter', 'گرفتگی جوی']])],
  'green-space-upkeep': [...locationFields, choice('issueType', 'نوع درخواست', [['irrigation', 'آبیاری'], ['planting', 'کاشت'], ['lawn', 'مرمت چمن'], ['equipment', 'تعمیر تجهیزات بوستان']])],
  'stray-animal-report': [...locationFields, choice('animalType', 'نوع حیوان', [['dog', 'سگ'], ['cat', 'گربه'], ['other', 'سایر']]), count('animalCount', 'تعداد تقریبی', 1, 50)],
  'pest-control': [...locationFields, choice('pestType', 'نوع جانور', [['rodents', 'جوندگان'], ['insects', 'حشرات'], ['snakes', 'خزندگان']]),
    choice('placeType', 'نوع محل', [['home', 'منزل'], ['business', 'واحد تجاری'], ['public', 'معبر یا فضای عمومی']], 'radio')],
  'park-event-permit': [text('parkName', 'نام بوستان'), eventTitle, date('eventDate', 'تاریخ شروع'), count('eventDays', 'تعداد روزها', 1, 30), attendance],
  'street-vendor-permit': [...homeAddress, text('goodsType', 'نوع کالا'), text('preferredMarket', 'بازارچه مورد نظر', 100, false)],
  'building-permit': [...propertyFields, floorArea, count('floors', 'تعداد طبقات', 1, 40),
    choice('landUse', 'کاربری', [['residential', 'مسکونی'], ['commercial', 'تجاری'], ['mixed', 'مختلط'], ['office', 'اداری']])],
  'building-permit-renewal': [...propertyFields, permitNumber, floorArea],
  'completion-certificate': [...propertyFields, permitNumber, floorArea],
  'non-violation-certificate': [...propertyFields, permitNumber, choice('purpose', 'منظور', [['transfer', 'نقل و انتقال'], ['construction-stage', 'مرحله ساخت'], ['bank', 'ارائه به بانک']])],
  'zoning-enquiry': [...propertyFields, count('landArea', 'مساحت زمین (مترمربع)', 1, 1_000_000), choice('purpose', 'منظور', [['construction', 'احداث بنا'], ['transfer', 'نقل و انتقال'], ['information', 'اطلاع']])],
  'building-number-plate': [...propertyFields, count('unitCount', 'تعداد واحدها', 1, 500)],
  'street-excavation-permit': [...locationFields, count('trenchLength', 'طول حفاری (متر)', 1, 5000), count('trenchWidth', 'عرض حفاری (سانتی‌متر)', 10, 500),
    choice('purpose', 'منظور حفاری', [['water', 'آب'], ['gas', 'گاز'], ['electricity', 'برق'], ['telecom', 'مخابرات'], ['sewage', 'فاضلاب']]), date('startDate', 'تاریخ شروع')],
  'renovation-permit': [...propertyFields, longText('workDescription', 'شرح تعمیرات')],
  'demolition-permit': [...propertyFields, count('buildingArea', 'زیربنای موجود (مترمربع)', 1, 100_000)],
  'land-subdivision': [...propertyFields, count('landArea', 'مساحت زمین (مترمربع)', 1, 10_000_000), count('plotCount', 'تعداد قطعات پس از تفکیک', 2, 500)],
  'building-violation-report': [...locationFields, choice('violationType', 'نوع تخلف', [['unpermitted', 'ساخت بدون پروانه'], ['extra-floor', 'اضافه طبقه'], ['change-of-use', 'تغییر کاربری'], ['encroachment', 'تجاوز به معبر']]), details],
  'asphalt-sidewalk-repair': [...locationFields, choice('damageType', 'نوع خرابی', [['pothole', 'چاله آسفالت'], ['sidewalk', 'پیاده‌رو'], ['curb', 'جدول'], ['manhole', 'دریچه']])],
  'frame-inspection-certificate': [...propertyFields, permitNumber],
  'resident-parking-permit': [...homeAddress, plate, vehicleModel],
  'traffic-zone-permit': [plate, date('startDate', 'تاریخ شروع'), count('days', 'تعداد روزها', 1, 90)],
  'speed-bump-request': [...locationFields, longText('reason', 'دلیل درخواست')],
  'traffic-sign-request': [...locationFields, choice('signType', 'نوع علامت', [['warning', 'هشداری'], ['regulatory', 'انتظامی'], ['guide', 'راهنما'], ['marking', 'خط‌کشی']]), longText('reason', 'دلیل درخواست')],
  'taxi-operating-licence': [plate, vehicleModel, count('manufactureYear', 'سال ساخت (شمسی)', 1380, 1420)],
  'taxi-driver-permit': [...homeAddress, licenceNumber, choice('licenceClass', 'پایه گواهینامه', [['class-2', 'پایه دوم'], ['class-1', 'پایه یکم']])],
  'light-freight-permit': [...homeAddress, plate, vehicleModel, licenceNumber],
  'temporary-street-closure': [...locationFields, choice('closureReason', 'علت انسداد', [['construction', 'عملیات عمرانی'], ['unloading', 'تخلیه مصالح'], ['ceremony', 'مراسم']]),
    date('startDate', 'تاریخ شروع'), count('closureDays', 'تعداد روزها', 1, 30)],
  'traffic-impact-assessment': [...propertyFields, floorArea, choice('projectUse', 'کاربری پروژه', [['residential', 'مسکونی'], ['commercial', 'تجاری'], ['office', 'اداری'], ['mixed', 'مختلط']])],
  'towed-vehicle-release': [plate, text('towingReceiptNumber', 'شماره برگه حمل', 30), count('storageDays', 'تعداد روزهای توقف در پارکینگ', 1, 365)],
  'cultural-hall-booking': [eventTitle, date('eventDate', 'تاریخ برنامه'), count('hours', 'مدت (ساعت)', 1, 12), attendance],
  'sports-facility-booking': [choice('facilityType', 'نوع مکان', [['hall', 'سالن سرپوشیده'], ['pitch', 'زمین چمن'], ['pool', 'استخر']]), date('sessionDate', 'تاریخ'), count('hours', 'تعداد سانس', 1, 4)],
  'cultural-event-permit': [eventTitle, date('eventDate', 'تاریخ برنامه'), text('venue', 'محل برگزاری'), attendance],
  'neighbourhood-class-enrolment': [text('courseTitle', 'عنوان کلاس'), text('participantName', 'نام شرکت‌کننده', 100), date('participantBirthDate', 'تاریخ تولد شرکت‌کننده')],
  'billboard-permit': [...propertyFields, { key: 'signArea', label: 'مساحت تابلو (مترمربع)', type: 'number', required: true, min: 0.5, max: 200 },
    choice('signType', 'نوع تابلو', [['shopfront', 'سردر واحد صنفی'], ['rooftop', 'پشت‌بامی'], ['billboard', 'بیلبورد']])],
  'mural-permit': [...locationFields, count('wallArea', 'مساحت دیوار (مترمربع)', 1, 5000), longText('theme', 'موضوع و شرح طرح')],
  'social-support-referral': [...homeAddress, count('householdSize', 'تعداد اعضای خانوار', 1, 20),
    choice('supportNeed', 'نوع نیاز', [['livelihood', 'معیشتی'], ['housing', 'مسکن'], ['medical', 'درمانی'], ['counselling', 'مشاوره']])],
  'neighbourhood-council-registration': [...homeAddress, text('neighbourhood', 'محله'),
    choice('education', 'تحصیلات', [['diploma', 'دیپلم'], ['associate', 'کاردانی'], ['bachelor', 'کارشناسی'], ['master', 'کارشناسی ارشد و بالاتر']])],
  'volunteer-registration': [...homeAddress, longText('skills', 'مهارت‌ها و سوابق'),
    choice('availability', 'زمان همکاری', [['weekdays', 'روزهای کاری'], ['weekends', 'تعطیلات'], ['emergencies', 'فقط در بحران']], 'radio')],
  'accessibility-request': [...locationFields, choice('requestType', 'نوع مناسب‌سازی', [['ramp', 'رمپ'], ['sidewalk', 'پیاده‌رو'], ['crossing', 'گذرگاه عابر'], ['entrance', 'ورودی ساختمان عمومی']])],
  complaint: [subject, choice('complaintAbout', 'شکایت از', [['service', 'خدمات'], ['staff', 'کارکنان'], ['contractor', 'پیمانکار']]), details, { key: 'address', label: 'نشانی محل (در صورت نیاز)', type: 'textarea', maxLength: 2000 }],
  suggestion: [subject, details],
  appreciation: [subject, details, text('staffName', 'نام همکار یا واحد', 100, false)],
  'information-request': [longText('informationSought', 'اطلاعات درخواستی'), choice('deliveryMethod', 'روش دریافت', [['electronic', 'الکترونیکی'], ['paper', 'نسخه کاغذی']], 'radio')],
  'mayor-meeting': [subject, details],
  'dues-enquiry': [{ ...propertyFields[1]!, label: 'کد نوسازی' }, choice('purpose', 'منظور', [['transfer', 'نقل و انتقال'], ['settlement', 'تسویه'], ['information', 'اطلاع']])],
  'renewal-dues-payment': [{ ...propertyFields[1]!, label: 'کد نوسازی' }, count('propertyArea', 'مساحت ملک (مترمربع)', 1, 1_000_000)],
  'dues-objection': [{ ...propertyFields[1]!, label: 'کد نوسازی' }, text('assessmentNumber', 'شماره برگه تشخیص', 30), longText('objectionReason', 'دلایل اعتراض')],
  'damage-claim': [...locationFields, date('incidentDate', 'تاریخ حادثه'), longText('damageDescription', 'شرح خسارت'), count('estimatedAmount', 'برآورد خسارت (ریال)', 1, 100_000_000_000)],
  'satisfaction-survey': [{ key: 'previousTrackingCode', label: 'کد رهگیری درخواست قبلی', type: 'textfield', required: true, pattern: '^[A-Za-z0-9-]{6,20}$' },
    choice('satisfaction', 'میزان رضایت', [['5', 'خیلی زیاد'], ['4', 'زیاد'], ['3', 'متوسط'], ['2', 'کم'], ['1', 'خیلی کم']], 'radio'), longText('comments', 'توضیحات', false)],
};

/** Shared task forms by form id: what staff record at each kind of user task. */
export const taskFormFields: Record<string, { title: string; intro: string; fields: FieldSpec[] }> = {
  'task-document-check': {
    title: 'بررسی مدارک',
    intro: 'مدارک و اطلاعات درخواست را با فهرست مدارک لازم خدمت تطبیق دهید.',
    fields: [
      choice('documentDecision', 'نتیجه بررسی', [['accept', 'کامل است؛ ادامه رسیدگی'], ['return', 'نقص دارد؛ بازگشت به شهروند برای اصلاح'], ['reject', 'رد درخواست']], 'radio'),
      { key: 'documentReason', label: 'شرح نقص یا دلیل رد (برای شهروند ارسال می‌شود)', type: 'textarea', required: true, minLength: 5, maxLength: 1000, hide: '=documentDecision = "accept"' },
    ],
  },
  'task-inspection': {
    title: 'ثبت نتیجه بازدید',
    intro: 'نتیجه بازدید میدانی و یافته‌ها را ثبت کنید.',
    fields: [
      choice('inspectionResult', 'نتیجه بازدید', [['pass', 'تأیید'], ['fail', 'عدم تأیید']], 'radio'),
      date('inspectionDate', 'تاریخ بازدید'),
      { key: 'inspectionNotes', label: 'یافته‌ها و توضیحات', type: 'textarea', required: true, minLength: 5, maxLength: 2000 },
    ],
  },
  'task-approval': {
    title: 'تصمیم',
    intro: 'پرونده، گزارش بازدید و مدارک را بررسی و تصمیم خود را ثبت کنید.',
    fields: [
      choice('approvalDecision', 'تصمیم', [['approve', 'تأیید'], ['return', 'بازگشت به شهروند برای اصلاح'], ['reject', 'رد']], 'radio'),
      { key: 'approvalReason', label: 'دلیل (برای شهروند ارسال می‌شود)', type: 'textarea', required: true, minLength: 5, maxLength: 1000, hide: '=approvalDecision = "approve"' },
    ],
  },
  'task-work-report': {
    title: 'گزارش انجام کار',
    intro: 'پس از انجام کار در محل، نتیجه را ثبت کنید.',
    fields: [
      choice('workResult', 'نتیجه', [['done', 'انجام شد'], ['not-possible', 'انجام‌شدنی نیست']], 'radio'),
      { key: 'workNotes', label: 'توضیحات', type: 'textarea', required: true, minLength: 5, maxLength: 2000, hide: '=workResult = "done"' },
    ],
  },
  'task-response': {
    title: 'پاسخ به شهروند',
    intro: 'پاسخ واحد مسئول را بنویسید؛ متن پاسخ برای شهروند ارسال می‌شود.',
    fields: [
      choice('responseDecision', 'نتیجه', [['answered', 'پاسخ داده شد'], ['declined', 'رد درخواست با ذکر دلیل']], 'radio'),
      { key: 'responseText', label: 'متن پاسخ', type: 'textarea', required: true, minLength: 10, maxLength: 4000 },
    ],
  },
};
