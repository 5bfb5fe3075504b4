import { SessionError } from '../../errors.js';
import { checkProviderUrl } from '../../federated/provider-url.js';
import { CliError, usageError } from '../failure.js';
import { requestJson } from './request.js';

/** The endpoints of a transmitter's configuration metadata the CLI uses (SSF 1.0 "Transmitter Configuration Metadata"). */
export interface TransmitterMetadata {
  /** The issuer, identical to the one asked for. */
  readonly issuer: string;
  /** Creates (POST) and reads (GET) streams. */
  readonly configurationEndpoint: URL | undefined;
  /** Reads a stream's status (GET). */
  readonly statusEndpoint: URL | undefined;
  /** Asks for a verification event (POST). */
  readonly verificationEndpoint: URL | undefined;
}

/** The transmitter's issuer: as typed (the metadata must name it exactly so), and parsed. */
export interface Issuer {
  readonly given: string;
  readonly url: URL;
}

/**
 * The issuer as given, checked: https, or plain http on this machine only.
 * @throws {@link CliError} usage (exit 2) for anything else.
 */
export function checkIssuer(value: string | boolean | undefined): Issuer {
  if (typeof value !== 'string' || value === '') throw usageError('--transmitter <issuer URL> is required');
  return { given: value, url: asUsage(() => checkProviderUrl(value, '--transmitter')) };
}

/**
 * Where the metadata is: "/.well-known/ssf-configuration" inserted between the host and the
 * issuer's path, any trailing "/" of the path removed first (SSF 1.0, "Obtaining Transmitter
 * Configuration Metadata").
 */
export function metadataUrl(issuer: URL): URL {
  const path = issuer.pathname.replace(/\/+$/, '');
  return new URL(`/.well-known/ssf-configuration${path}`, issuer.origin);
}

/**
 * Reads the transmitter's configuration metadata (no token: it is public), refusing a document
 * whose `issuer` differs from the one asked for and endpoints that are not https (SSF 1.0,
 * "Transmitter Configuration Validation": information that fails to validate is not used).
 */
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

/**
 * The endpoint a command needs.
 * @throws {@link CliError} when the transmitter does not offer it.
 */
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
