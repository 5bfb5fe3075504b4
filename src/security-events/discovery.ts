// Where a transmitter's metadata is (SSF 1.0 section 7.2.1): "/.well-known/ssf-configuration"
// inserted between the issuer's host and its path, any trailing "/" of the path removed; a RISC
// transmitter may still publish it as "risc-configuration" (section 7.2.2), read when the first
// cannot be.

/** The metadata URLs of a transmitter, in the order they are tried; `issuer` is a checked URL. */
export function metadataUrlsOf(issuer: string): readonly string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  return ['ssf-configuration', 'risc-configuration'].map((name) => `${url.origin}/.well-known/${name}${path}`);
}
