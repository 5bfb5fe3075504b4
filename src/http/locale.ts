/** The first language tag of Accept-Language when it is a valid locale, for "3 hours ago". */
export function preferredLocale(header: string | undefined): string | undefined {
  const tag = header?.split(',')[0]?.split(';')[0]?.trim();
  if (tag === undefined || tag === '' || tag === '*' || tag.length > 35) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}
