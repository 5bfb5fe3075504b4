import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestListener } from 'node:http';

/** An https server on 127.0.0.1 with a certificate made for it (openssl), and that certificate's file, to trust it (`NODE_EXTRA_CA_CERTS`). */
export interface HttpsServer {
  readonly origin: string;
  readonly certificateFile: string;
  close(): Promise<void>;
}

/** Starts an https server on 127.0.0.1 (a free port) answering with `handle`, its certificate valid for 127.0.0.1 for a day. */
export async function startHttpsServer(handle: RequestListener): Promise<HttpsServer> {
  const folder = mkdtempSync(join(tmpdir(), 'session-revocation-tls-'));
  const [key, cert] = [join(folder, 'key.pem'), join(folder, 'cert.pem')];
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  } catch (error) {
    throw new Error('openssl could not make a certificate for the test\'s https server: is it installed (apt-get install openssl)?', { cause: error });
  }
  const server: Server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    certificateFile: cert,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
