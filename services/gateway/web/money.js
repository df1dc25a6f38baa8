// Money travels as a decimal string ("25000.5"); sums are done in cents so no float rounding creeps in.

export function toCents(amount) {
  const [whole, fraction = ''] = String(amount).split('.');
  const negative = whole.startsWith('-');
  const cents = Math.abs(Number(whole)) * 100 + Number((fraction + '00').slice(0, 2));
  return negative ? -cents : cents;
}

const format = new Intl.NumberFormat(undefined, {minimumFractionDigits: 2, maximumFractionDigits: 2});

export function formatCents(cents) {
  return format.format(cents / 100);
}

export function formatMoney(amount) {
  return formatCents(toCents(amount));
}

const dateTime = new Intl.DateTimeFormat(undefined, {dateStyle: 'medium', timeStyle: 'short'});

export function formatTime(value) {
  return dateTime.format(value instanceof Date ? value : new Date(value));
}
