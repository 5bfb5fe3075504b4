/** `/.well-known/<name>` inserted between an issuer's origin and its path (RFC 8414 section 3), for each name in order. */
export function wellKnownUrls(issuer: string, names: readonly string[]): readonly string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  return names.map((name) => `${url.origin}/.well-known/${name}${path}`);
}

/** A transmitter's metadata URLs, in the order tried (SSF 1.0 section 7.2): SSF, then the older RISC name. */
export const transmitterMetadataUrls = (issuer: string): readonly string[] => wellKnownUrls(issuer, ['ssf-configuration', 'risc-configuration']);
