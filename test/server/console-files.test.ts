/**
 * The web console's files at /console/ (built by `npm run build:console`, which `npm test` runs
 * first): the page with a strict Content-Security-Policy and no inline script, revalidated on
 * each load; hashed assets cached for a year; entity tags; nothing else of the disk reachable.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CONSOLE_CSP } from '../../src/web/console-routes.js';
import { assertError } from '../support/api.js';
import { rawClient } from '../support/raw-http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('web console files', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.stop());

  it('serves the page at /console/ and /console with a strict policy, revalidated on each load', async () => {
    for (const path of ['/console/', '/console']) {
      const res = await t.http('GET', path, { token: null });
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      assert.equal(res.headers.get('content-security-policy'), CONSOLE_CSP);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.doesNotMatch(CONSOLE_CSP, /unsafe-inline|unsafe-eval|\*/);
      const scripts = [...String(res.body).matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      assert.ok(scripts.length > 0);
      for (const [, attributes, content] of scripts) {
        assert.match(attributes ?? '', /\bsrc="\/console\/assets\/[\w.-]+\.js"/, 'every script is a file');
        assert.equal(content?.trim(), '', 'no inline script');
      }
    }
  });

  it('caches hashed assets for a year and answers 304 to a known entity tag', async () => {
    const page = String((await t.http('GET', '/console/', { token: null })).body);
    const assets = [...page.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), page);
    for (const asset of assets) {
      const res = await fetch(t.url + asset);
      assert.equal(res.status, 200, asset);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.match(res.headers.get('content-type') ?? '', asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      const etag = res.headers.get('etag')!;
      const again = await fetch(t.url + asset, { headers: { 'If-None-Match': etag } });
      assert.equal(again.status, 304);
      assert.equal(await again.text(), '');
    }
  });

  it('answers anything else under /console/ with a JSON 404, traversal included', async () => {
    const raw = rawClient(t.url);
    try {
      for (const target of [
        '/console/nope.js',
        '/console/../package.json',
        '/console/%2e%2e/package.json',
        '/console/assets/../../../src/server/http-server.ts',
        '/console/..%2f..%2fpackage.json',
      ]) {
        const res = await raw.send({ method: 'GET', target, headers: {} });
        const body = JSON.parse(res.text);
        assert.equal(res.status, 404, target);
        assert.equal(body.error_code, 'ModelArts.0404', target);
      }
    } finally {
      raw.close();
    }
    assertError(await t.http('GET', '/console/assets/missing-abc.js', { token: null }), 'ModelArts.0404', 404);
  });
});
