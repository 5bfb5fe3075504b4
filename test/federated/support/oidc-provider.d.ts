// oidc-provider ships no types: the little of it the tests use.
declare module 'oidc-provider' {
  import type { EventEmitter } from 'node:events';
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface ClientMetadata {
    client_id: string;
    [name: string]: unknown;
  }

  export interface Configuration {
    clients?: ClientMetadata[];
    features?: Record<string, unknown>;
    jwks?: { keys: object[] };
    cookies?: { keys?: string[] };
    fetch?: (url: URL | string, options: RequestInit & { dispatcher?: unknown }) => Promise<Response>;
    [name: string]: unknown;
  }

  /** The provider's client, as its events hand it over. */
  export interface Client {
    readonly clientId: string;
  }

  export default class Provider extends EventEmitter {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }
}
