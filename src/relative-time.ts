const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;

const formatters = new Map<string, Intl.RelativeTimeFormat>();

function formatter(locale: string, numeric: 'always' | 'auto'): Intl.RelativeTimeFormat {
  const key = `${numeric}:${locale}`;
  let cached = formatters.get(key);
  if (cached === undefined) {
    cached = new Intl.RelativeTimeFormat(locale, { numeric });
    if (formatters.size < 200) formatters.set(key, cached);
  }
  return cached;
}

/**
 * "Last used" text for `then` seen from `now` (ms): `"Just now"` under a minute, then `"3 minutes ago"` up to years.
 * @param locale - A BCP 47 locale; an invalid one falls back to `"en"`.
 */
export function formatLastUsed(then: number, now: number, locale = 'en'): string {
  let rtf: Intl.RelativeTimeFormat;
  try {
    rtf = formatter(locale, 'always');
  } catch {
    locale = 'en';
    rtf = formatter(locale, 'always');
  }
  const elapsed = Math.max(0, now - then);
  if (elapsed < MINUTE) {
    if (rtf.resolvedOptions().locale.startsWith('en')) return 'Just now';
    const text = formatter(locale, 'auto').format(0, 'second');
    return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
  }
  const numeric = (value: number, unit: Intl.RelativeTimeFormatUnit): string => rtf.format(-value, unit);
  if (elapsed < HOUR) return numeric(Math.floor(elapsed / MINUTE), 'minute');
  if (elapsed < DAY) return numeric(Math.floor(elapsed / HOUR), 'hour');
  if (elapsed < MONTH) return numeric(Math.floor(elapsed / DAY), 'day');
  // Twelve 30-day months are 360 days: the last five days of a year still read "11 months ago".
  if (elapsed < YEAR) return numeric(Math.min(11, Math.floor(elapsed / MONTH)), 'month');
  return numeric(Math.floor(elapsed / YEAR), 'year');
}
