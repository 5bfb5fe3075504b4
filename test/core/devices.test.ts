import { describe, expect, it } from 'vitest';
import { createSessionManager, deviceLabel, formatLastUsed, memoryStore, uaParserDeviceParser } from '../../src/index.js';
import { describeDevice, MAX_USER_AGENT_LENGTH } from '../../src/device.js';
import { DAY, HOUR, MINUTE, TestClock, UA } from '../support/clock.js';

// An Android app's WebView (the "; wv)" token) and headless Chrome: each keeps cookies of its own.
const ANDROID_WEBVIEW = 'Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.0.0 Mobile Safari/537.36';
const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const HEADLESS_CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36';

describe('device labels', () => {
  it.each([
    [UA.chromeMac, 'Chrome on Mac OS', 'desktop'],
    [UA.safariMac, 'Safari on Mac OS', 'desktop'],
    [UA.safariIphone, 'Safari on iOS', 'mobile'],
    [UA.safariIpad, 'Safari on iOS', 'tablet'],
    [UA.firefoxWindows, 'Firefox on Windows', 'desktop'],
    [UA.edgeWindows, 'Edge on Windows', 'desktop'],
    [UA.chromeAndroid, 'Chrome on Android', 'mobile'],
    [ANDROID_WEBVIEW, 'Android WebView on Android', 'mobile'],
    [HEADLESS_CHROME, 'Headless Chrome on Linux', 'desktop'],
    [UA.oddLinux, 'Unknown browser on Linux', 'desktop'],
  ])('%s is "%s" (%s)', (userAgent, label, deviceType) => {
    const device = describeDevice(userAgent, uaParserDeviceParser);
    expect(deviceLabel(device)).toBe(label);
    expect(device.deviceType).toBe(deviceType);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['curl', 'curl/8.5.0'],
    ['binary garbage', String.fromCharCode(...Array.from({ length: 300 }, (_, index) => (index * 37) % 256))],
    ['10 KB', 'A'.repeat(10_240)],
    ['not a string', 12345],
  ])('degrades to "Unknown device" for %s', (_name, userAgent) => {
    const device = describeDevice(userAgent, uaParserDeviceParser);
    expect(deviceLabel(device)).toBe('Unknown device');
    expect(device.deviceKey).toBeUndefined();
  });

  it('caps what is stored and strips control characters', async () => {
    const store = memoryStore();
    const sessions = createSessionManager({ store });
    const hostile = `${UA.chromeMac}\u0000\r\nSet-Cookie: x=y ${'Z'.repeat(100_000)}`;
    const { session } = await sessions.create({ userId: 'a', userAgent: hostile });
    const stored = (await store.get(session.id))!.session;
    expect(stored.userAgent!.length).toBeLessThanOrEqual(MAX_USER_AGENT_LENGTH);
    expect(stored.userAgent).not.toMatch(/[\r\n\u0000]/);
    expect(stored.browser).toBe('Chrome');
  });

  it('uses a custom device parser and survives one that throws', async () => {
    const custom = createSessionManager({ deviceParser: () => ({ browser: 'Lynx', os: 'Plan 9', deviceType: 'desktop' }) });
    const { session } = await custom.create({ userId: 'a', userAgent: 'anything' });
    expect(deviceLabel(session)).toBe('Lynx on Plan 9');
    const broken = createSessionManager({
      deviceParser: () => {
        throw new Error('parser bug');
      },
    });
    const created = await broken.create({ userId: 'a', userAgent: UA.chromeMac });
    expect(deviceLabel(created.session)).toBe('Unknown device');
  });
});

describe('one session per browser and OS', () => {
  it('signing in again from the same browser replaces the older session', async () => {
    const sessions = createSessionManager();
    const first = await sessions.create({ userId: 'a', userAgent: UA.chromeMac });
    const second = await sessions.create({ userId: 'a', userAgent: UA.chromeMac });
    expect(await sessions.validate(first.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.validate(second.token)).ok).toBe(true);
    expect(await sessions.list('a')).toHaveLength(1);
  });

  it('different browsers on one machine, unknown devices and API tokens stay separate', async () => {
    const sessions = createSessionManager();
    await sessions.create({ userId: 'a', userAgent: UA.chromeMac });
    await sessions.create({ userId: 'a', userAgent: UA.safariMac });
    await sessions.create({ userId: 'a', userAgent: 'curl/8.5.0' });
    await sessions.create({ userId: 'a' });
    await sessions.create({ userId: 'a', kind: 'api', userAgent: UA.chromeMac });
    await sessions.create({ userId: 'a', kind: 'api', userAgent: UA.chromeMac });
    expect(await sessions.list('a')).toHaveLength(6);
  });

  it("an app's WebView on a phone and headless Chrome on a computer sign in beside that device's Chrome, never in its place", async () => {
    const sessions = createSessionManager();
    const phoneChrome = await sessions.create({ userId: 'a', userAgent: UA.chromeAndroid });
    await sessions.create({ userId: 'a', userAgent: ANDROID_WEBVIEW });
    const linuxChrome = await sessions.create({ userId: 'a', userAgent: CHROME_LINUX });
    await sessions.create({ userId: 'a', userAgent: HEADLESS_CHROME });
    expect((await sessions.validate(phoneChrome.token)).ok).toBe(true);
    expect((await sessions.validate(linuxChrome.token)).ok).toBe(true);
    expect((await sessions.list('a')).map((row) => row.deviceLabel).sort()).toEqual(['Android WebView on Android', 'Chrome on Android', 'Chrome on Linux', 'Headless Chrome on Linux']);
  });

  it('concurrent sign-ins from one browser leave one live session', async () => {
    const sessions = createSessionManager();
    const created = await Promise.all(Array.from({ length: 10 }, () => sessions.create({ userId: 'a', userAgent: UA.chromeMac })));
    const results = await Promise.all(created.map((one) => sessions.validate(one.token)));
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(await sessions.list('a')).toHaveLength(1);
  });
});

describe('the session list', () => {
  it('puts the current session first, then the most recently used, without expired or revoked rows', async () => {
    const clock = new TestClock();
    const sessions = createSessionManager({ clock: clock.read, touchInterval: 0 });
    const start = clock.now;
    const current = await sessions.create({ userId: 'a', userAgent: UA.chromeMac });
    const phone = await sessions.create({ userId: 'a', userAgent: UA.safariIphone });
    const edge = await sessions.create({ userId: 'a', userAgent: UA.edgeWindows });
    const revoked = await sessions.create({ userId: 'a', userAgent: UA.firefoxWindows });
    const shortLived = createSessionManager({ clock: clock.read, store: sessions.store, maxAge: HOUR });
    await shortLived.create({ userId: 'a', userAgent: UA.chromeAndroid });
    await sessions.revoke(revoked.session.id);
    clock.set(start + 2 * HOUR);
    await sessions.validate(edge.token);
    clock.set(start + 5 * DAY);
    await sessions.validate(phone.token);
    clock.set(start + 5 * DAY + 3 * MINUTE);
    const list = await sessions.list('a', { currentSessionId: current.session.id });
    expect(list.map((row) => [row.deviceLabel, row.lastUsed, row.current])).toEqual([
      ['Chrome on Mac OS', '5 days ago', true],
      ['Safari on iOS', '3 minutes ago', false],
      ['Edge on Windows', '4 days ago', false],
    ]);
    expect(list[1]).toMatchObject({ kind: 'browser', browser: 'Safari', os: 'iOS', deviceType: 'mobile' });
  });

  it('formats "last used" in other locales', async () => {
    const clock = new TestClock();
    const sessions = createSessionManager({ clock: clock.read });
    await sessions.create({ userId: 'a', userAgent: UA.chromeMac });
    clock.advance(3 * HOUR);
    const [row] = await sessions.list('a', { locale: 'de' });
    expect(row!.lastUsed).toBe('vor 3 Stunden');
  });

  it.each([
    [0, 'Just now'],
    [59_999, 'Just now'],
    [MINUTE, '1 minute ago'],
    [3 * MINUTE, '3 minutes ago'],
    [3 * HOUR, '3 hours ago'],
    [DAY, '1 day ago'],
    [5 * DAY, '5 days ago'],
    [30 * DAY, '1 month ago'],
    [359 * DAY, '11 months ago'],
    [364 * DAY, '11 months ago'],
    [365 * DAY, '1 year ago'],
    [-5_000, 'Just now'],
  ])('%i ms ago reads "%s"', (elapsed, text) => {
    expect(formatLastUsed(1_000_000_000_000 - elapsed, 1_000_000_000_000)).toBe(text);
  });

  it('falls back to English for an invalid locale', () => {
    expect(formatLastUsed(0, 3 * HOUR, 'not a locale!!')).toBe('3 hours ago');
  });
});
