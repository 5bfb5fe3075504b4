import { describeFrameworkConformance } from '../../src/testing/index.js';
import { fetchSuiteApp } from '../frameworks/fetch-suite-app.js';
import { runner, serveOnBun, type BunServer } from './runner.js';

describeFrameworkConformance('fetch on Bun', (context) => serveOnBun(fetchSuiteApp(context, (request, server: BunServer) => ({ remoteAddress: server.requestIP(request)?.address }))), { runner });
