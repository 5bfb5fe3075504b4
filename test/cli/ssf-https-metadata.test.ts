import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { startHttpsServer, type HttpsServer } from '../support/tls.js';
import { cli } from './bin.js';

// A transmitter reached over https whose metadata names a plain http endpoint on this machine: the CLI would send its token
// there, unencrypted, to whatever listens. Refused, as a plain http endpoint off this machine is.

const TOKEN = 'Tok3n-s3cret-value';
let transmitter: HttpsServer | undefined;
let local: Server | undefined;
afterEach(async () => {
  await transmitter?.close();
  local?.closeAllConnections();
  await new Promise((resolve) => (local === undefined ? resolve(undefined) : local.close(resolve)));
  [transmitter, local] = [undefined, undefined];
});

it('ssf status: metadata read over https naming a plain http endpoint on this machine is refused (exit 1), the token never sent there', async () => {
  const requests: (string | undefined)[] = [];
  local = createServer((request, response) => void (requests.push(request.headers.authorization), response.writeHead(200, { 'content-type': 'application/json' }).end('[]')));
  await new Promise<void>((resolve) => local!.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(local.address() as AddressInfo).port}/ssf/stream`;
  transmitter = await startHttpsServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: transmitter!.origin, configuration_endpoint: endpoint }));
  });
  const run = await cli(['ssf', 'status', '--transmitter', transmitter.origin, '--token', TOKEN], { env: { NODE_EXTRA_CA_CERTS: transmitter.certificateFile } });
  expect({ code: run.code, stdout: run.stdout, requests }).toEqual({ code: 1, stdout: '', requests: [] });
  expect(run.stderr).toBe(`session-revocation: the transmitter's configuration_endpoint (${endpoint}) is plain http, named by ${transmitter.origin}/.well-known/ssf-configuration, which was read over https.\n`);
});
