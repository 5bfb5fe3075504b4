/** A transmitter's metadata URLs, in the order tried (SSF 1.0 section 7.2): SSF, then the older RISC name. */
export function metadataUrlsOf(issuer: string): readonly string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  return ['ssf-configuration', 'risc-configuration'].map((name) => `${url.origin}/.well-known/${name}${path}`);
}
