import { request as httpRequest, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import express, { type Request, type Response } from 'express';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { requireFresh, requireSameOrigin, requireSession, sessionMiddleware } from '../../adapters/express/index.js';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { safeNextPath } from '../../src/http/index.js';
import { UA } from '../support/clock.js';

const guide = await readFile(join(resolve(import.meta.dirname, '../..'), 'docs/security-page.md'), 'utf8');

/** Every state-changing Express route the guide shows: an `app.post(...)` (put, patch, delete) statement of its `ts` blocks, one line or up to its `});`. */
function guideHandlers(): string[] {
  const code = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!).join('\n');
  return [...code.matchAll(/^app\.(?:post|put|patch|delete)\(.*?(?:=> \{\n[\s\S]*?\n\}\);|\);)/gm)].map((match) => match[0]);
}

const HOST = 'app.example.com';
const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin', origin: `http://${HOST}` };
// A sibling subdomain is the same site, so a SameSite=Lax cookie goes with its form; an older browser sends no Sec-Fetch-Site at all.
const CROSS_SITE = { sibling: { 'sec-fetch-site': 'same-site', origin: 'http://evil.example.com' }, oldBrowser: { origin: 'http://evil.example.com' } };

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server === undefined ? done() : (server.closeAllConnections(), server.close(() => done())))));

/** One form post on 127.0.0.1 with the given Host and headers; bounded by a 5 s timeout. */
function post(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const body = 'password=correct';
    const sent = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', timeout: 5_000, headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length), 'user-agent': UA.chromeMac, ...headers } }, (answer) => {
      let text = '';
      answer.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => done({ status: answer.statusCode!, body: text }));
    });
    sent.on('timeout', () => sent.destroy(new Error(`no answer to POST ${path}`))).on('error', fail).end(body);
  });
}

/** The guide's handler on a real Express app, with the names its text gives (the app's own helpers stubbed); what it changed is recorded in `done`. */
async function serveHandler(handler: string): Promise<{ port: number; done: string[]; cookie: string; otherId: string }> {
  const sessions = createSessionManager({ store: memoryStore() });
  const done: string[] = [];
  sessions.on('*', (event) => void done.push(event.type));
  const app = express().use(sessionMiddleware(sessions));
  const yours = {
    app,
    express,
    requireFresh,
    requireSameOrigin,
    requireSession,
    safeNextPath,
    checkPassword: async () => true,
    renderConfirm: () => 'confirm',
    changeEmail: (_req: Request, res: Response) => void (done.push('email changed'), res.sendStatus(204)),
  };
  const code = ts.transpileModule(handler, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  new Function(...Object.keys(yours), code)(...Object.values(yours));
  const laptop = await sessions.create({ userId: 'ada', userAgent: UA.chromeMac });
  const phone = await sessions.create({ userId: 'ada', userAgent: UA.safariIphone });
  done.length = 0;
  server = app.listen(0, '127.0.0.1');
  await new Promise((ready) => server!.once('listening', ready));
  return { port: (server.address() as AddressInfo).port, done, cookie: `session=${laptop.token}`, otherId: phone.session.id };
}

// The library's own session routes refuse a post from another site; a route of the app's own that the guide shows must too, or a sibling
// subdomain (or an old browser) can sign the user's devices out, change the email or re-authenticate a session.
describe('docs/security-page.md: the app routes it shows', () => {
  const handlers = guideHandlers();

  it('shows state-changing routes of the app', () => {
    expect(handlers.length).toBeGreaterThan(0);
  });

  it.each(handlers.map((handler) => [/^app\.\w+\('([^']+)'/.exec(handler)?.[1] ?? handler, handler]))('%s refuses a post from another site and serves one from its own', async (_path, handler) => {
    const { port, done, cookie, otherId } = await serveHandler(handler);
    const path = /^app\.\w+\('([^']+)'/.exec(handler)![1]!.replace(/:\w+/g, otherId);
    // The guide's login handler is its re-authentication form (`reauth=1`).
    const url = path === '/login' ? `${path}?reauth=1` : path;
    const refused = { sibling: await post(port, url, { cookie, ...CROSS_SITE.sibling }), oldBrowser: await post(port, url, { cookie, ...CROSS_SITE.oldBrowser }) };
    expect({ refused, done }).toEqual({ refused: { sibling: { status: 403, body: '{"error":"cross_site_request"}' }, oldBrowser: { status: 403, body: '{"error":"cross_site_request"}' } }, done: [] });
    const served = await post(port, url, { cookie, ...SAME_ORIGIN });
    expect({ status: served.status < 400, changed: done.length > 0 }).toEqual({ status: true, changed: true });
  });
});
