import { Hono } from 'hono';
import { getConnInfo } from 'hono/bun';
import { describeFrameworkConformance } from '../../src/testing/index.js';
import { honoSuiteApp } from '../frameworks/hono-suite-app.js';
import { runner, serveOnBun } from './runner.js';

describeFrameworkConformance('hono on Bun', (context) => serveOnBun(honoSuiteApp(Hono, context, getConnInfo).fetch), { runner });
