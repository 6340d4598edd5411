// Documents citizens are asked for, named once and reused across services.
import type { DocumentRequirement } from './types.ts';

function doc(id: string, fa: string): DocumentRequirement {
  return { id, fa };
}

export const documents = {
  nationalCard: doc('national-card', 'تصویر کارت ملی'),
  propertyDeed: doc('property-deed', 'تصویر سند مالکیت یا قولنامه معتبر'),
  sitePhotos: doc('site-photos', 'تصاویر محل'),
  sitePlan: doc('site-plan', 'کروکی موقعیت ملک'),
  architecturalPlans: doc('architectural-plans', 'نقشه‌های معماری'),
  structuralPlans: doc('structural-plans', 'نقشه‌های سازه'),
  engineerCommitment: doc('engineer-commitment', 'تعهدنامه مهندس ناظر'),
  previousPermit: doc('previous-permit', 'تصویر پروانه ساختمانی'),
  supervisorReport: doc('supervisor-report', 'گزارش مهندس ناظر'),
  mapSurvey: doc('map-survey', 'نقشه یو‌تی‌ام (UTM) زمین'),
  contractorLicence: doc('contractor-licence', 'گواهی صلاحیت پیمانکار'),
  executionSchedule: doc('execution-schedule', 'برنامه زمان‌بندی اجرا'),
  insurance: doc('insurance', 'بیمه‌نامه مسئولیت مدنی'),
  lease: doc('lease', 'اجاره‌نامه یا مدرک تصرف محل'),
  residenceProof: doc('residence-proof', 'مدرک سکونت (اجاره‌نامه یا قبض خدمات)'),
  vehicleCard: doc('vehicle-card', 'تصویر کارت خودرو'),
  technicalInspection: doc('technical-inspection', 'برگه معاینه فنی خودرو'),
  drivingLicence: doc('driving-licence', 'تصویر گواهینامه رانندگی'),
  healthCertificate: doc('health-certificate', 'گواهی سلامت جسمی و روانی'),
  noCriminalRecord: doc('no-criminal-record', 'گواهی عدم سوءپیشینه'),
  personalPhoto: doc('personal-photo', 'عکس پرسنلی'),
  eventPlan: doc('event-plan', 'شرح برنامه و زمان‌بندی رویداد'),
  designSketch: doc('design-sketch', 'طرح گرافیکی یا ماکت'),
  trafficStudy: doc('traffic-study', 'گزارش مطالعات ترافیکی'),
  towingReceipt: doc('towing-receipt', 'برگه حمل خودرو'),
  policeRelease: doc('police-release', 'مجوز ترخیص پلیس راهور'),
  duesAssessment: doc('dues-assessment', 'برگه تشخیص عوارض'),
  damageEvidence: doc('damage-evidence', 'مدارک خسارت (فاکتور، تصاویر، گزارش کارشناس)'),
  medicalRecord: doc('medical-record', 'گواهی پزشکی یا کارت معلولیت'),
  incomeProof: doc('income-proof', 'مدرک وضعیت درآمد یا معرفی‌نامه بهزیستی'),
  educationCertificate: doc('education-certificate', 'تصویر آخرین مدرک تحصیلی'),
} as const;

/** Kinds any request may carry besides a service's required documents. */
export const extraDocumentKinds = { photo: 'تصویر', other: 'سایر مدارک' } as const;

/** A document kind in Persian, as citizens and staff read it (never its id). */
export function documentKindName(kind: string): string {
  const required = Object.values(documents).find((document) => document.id === kind);
  return required?.fa ?? (extraDocumentKinds as Record<string, string>)[kind] ?? 'مدرک';
}
