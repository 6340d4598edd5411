// Persian numbers and dates for the page chrome.

const dateTime = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tehran' });
const number = new Intl.NumberFormat('fa-IR');

export const persianNumber = (value) => number.format(value);
export const persianDateTime = (iso) => dateTime.format(new Date(iso));
