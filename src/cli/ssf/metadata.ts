import { SessionError } from '../../errors.js';
import { checkProviderUrl } from '../../federated/provider-url.js';
import { CliError, usageError } from '../failure.js';
import { requestJson } from './request.js';

/** The issuer and the endpoints of a transmitter's configuration metadata the CLI uses (SSF 1.0). */
export interface TransmitterMetadata {
  readonly issuer: string;
  readonly configurationEndpoint: URL | undefined;
  readonly statusEndpoint: URL | undefined;
  readonly verificationEndpoint: URL | undefined;
}

/** The transmitter's issuer: as typed (the metadata must name it exactly so), and parsed. */
export interface Issuer {
  readonly given: string;
  readonly url: URL;
}

/** `--transmitter`, checked: https, or plain http on this machine only (else bad usage). */
export function checkIssuer(value: string | boolean | undefined): Issuer {
  if (typeof value !== 'string' || value === '') throw usageError('--transmitter <issuer URL> is required');
  return { given: value, url: asUsage(() => checkProviderUrl(value, '--transmitter')) };
}

/** Where the metadata is: "/.well-known/ssf-configuration" inserted before the issuer's path (SSF 1.0). */
export function metadataUrl(issuer: URL): URL {
  const path = issuer.pathname.replace(/\/+$/, '');
  return new URL(`/.well-known/ssf-configuration${path}`, issuer.origin);
}

/** Reads the transmitter's public metadata, refusing another `issuer` and endpoints that are not https. */
export async function readMetadata({ given, url: issuer }: Issuer): Promise<TransmitterMetadata> {
  const url = metadataUrl(issuer);
  const { status, body } = await requestJson(url, { method: 'GET' });
  if (status !== 200) throw new CliError(`${url.href} answered ${status}: is ${given} a Shared Signals transmitter?`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CliError(`${url.href} did not answer a JSON object.`);
  const metadata = body as Record<string, unknown>;
  if (metadata['issuer'] !== given) {
    throw new CliError(`${url.href} names issuer ${JSON.stringify(metadata['issuer'])}, not ${given}: pass --transmitter exactly as the transmitter names itself.`);
  }
  return {
    issuer: given,
    configurationEndpoint: endpoint(metadata, 'configuration_endpoint'),
    statusEndpoint: endpoint(metadata, 'status_endpoint'),
    verificationEndpoint: endpoint(metadata, 'verification_endpoint'),
  };
}

/** The endpoint a command needs; a {@link CliError} when the transmitter offers none. */
export function required(metadata: TransmitterMetadata, name: 'configurationEndpoint' | 'statusEndpoint' | 'verificationEndpoint'): URL {
  const url = metadata[name];
  if (url === undefined) {
    const field = name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    throw new CliError(`${metadata.issuer} publishes no ${field}: its streams are managed some other way (its own console or API).`);
  }
  return url;
}

function endpoint(metadata: Record<string, unknown>, field: string): URL | undefined {
  const value = metadata[field];
  if (value === undefined) return undefined;
  try {
    return checkProviderUrl(value, `the transmitter's ${field}`);
  } catch (error) {
    if (error instanceof SessionError) throw new CliError(error.message);
    throw error;
  }
}

/** Runs a check whose `SessionError` is bad usage (exit 2): a flag's value the user typed. */
export function asUsage<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof SessionError) throw usageError(error.message.replace(/\.$/, ''));
    throw error;
  }
}
