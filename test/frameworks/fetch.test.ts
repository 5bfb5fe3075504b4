import { describeFrameworkConformance } from '../../src/testing/index.js';
import { vitestRunner } from '../runner.js';
import { serveFetch } from './fetch-bridge.js';
import { fetchSuiteApp } from './fetch-suite-app.js';
import { listen } from './listen.js';

describeFrameworkConformance('fetch', (context) => listen(serveFetch(fetchSuiteApp(context, (_request, connection) => connection))), { runner: vitestRunner });
