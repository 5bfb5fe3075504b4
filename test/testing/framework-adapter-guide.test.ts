import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// A framework author writes the suite's app from docs/framework-adapter.md: every route the suite requests must be named there,
// as the TSDoc of describeFrameworkConformance (the contract the suite checks) names it.
const root = resolve(import.meta.dirname, '../..');
const guide = readFileSync(resolve(root, 'docs/framework-adapter.md'), 'utf8');
const suiteDoc = readFileSync(resolve(root, 'src/testing/framework/index.ts'), 'utf8');
const contract = suiteDoc.slice(suiteDoc.indexOf('Registers the framework conformance suite'), suiteDoc.indexOf('@param name'));

/** The app routes of the contract's list, `"GET /dashboard"`: a bullet's first code span. */
const appRoutes = [...contract.matchAll(/^ \* - `((?:GET|POST) \/[^`?]*)/gm)].map((match) => match[1]!);

describe('the framework adapter guide', () => {
  it('reads the contract list (a check that it still finds the routes)', () => {
    expect(appRoutes).toContain('POST /login');
    expect(appRoutes.length).toBeGreaterThanOrEqual(12);
  });

  it('names every route the suite requests, with its method', () => {
    expect(appRoutes.filter((route) => !guide.includes(`\`${route}`))).toEqual([]);
  });

  it('says HEAD reaches the GET routes, as the suite sends it and some routers do not', () => {
    expect(contract).toMatch(/`GET \/dashboard`[^\n]*HEAD/);
    expect(guide).toMatch(/`GET \/dashboard`[^\n]*HEAD/);
  });

});
