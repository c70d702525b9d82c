/**
 * `trustProxy`: which `X-Forwarded-*` headers the server believes. Behind an ingress the client's
 * address (audit, per-address limits) and the scheme and host it used (the URLs handed out) come
 * only from those headers; from anyone else they are a lie to ignore.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveConfig, type ConfigOptions } from '../../src/server/config.js';
import { create, CPU_FLAVOR, waitStatus } from '../support/api.js';
import { cpuBody, INSTANT_PHASES, startTestApp, type TestApp } from '../support/test-app.js';

const FORWARDED = {
  'x-forwarded-for': '198.51.100.7, 203.0.113.9',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'notebooks.example.org',
};

/** What the server made of the forwarded headers: the audited source and the notebook URL's origin. */
async function seenThrough(t: TestApp, name: string): Promise<{ source: string; origin: string }> {
  const instance = await create(t, cpuBody(name, CPU_FLAVOR));
  await waitStatus(t, instance.id, 'RUNNING');
  const detail = await t.http('GET', `${t.instances()}/${instance.id}`, { headers: FORWARDED });
  const origin = detail.body.spec.annotations.target_domain;
  await t.http('DELETE', `${t.instances()}/${instance.id}`, { headers: FORWARDED });
  for (let i = 0; i < 200; i++) {
    const trail = await t.http('GET', `/v1/${t.projectId}/demanager/audit?limit=5`);
    const entry = trail.body.entries.find(
      (e: any) => e.action === 'DELETE /v1/{project_id}/demanager/instances/{instance_id}' && e.target === instance.id,
    );
    if (entry) return { source: entry.source, origin };
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the delete never reached the audit trail');
}

describe('trustProxy: X-Forwarded-* believed from trusted proxies only', () => {
  const apps: TestApp[] = [];
  const start = async (trustProxy?: ConfigOptions['trustProxy']) => {
    const t = await startTestApp({
      ...(trustProxy === undefined ? {} : { trustProxy }),
      runtime: { simulated: { delays: INSTANT_PHASES } },
    });
    apps.push(t);
    return t;
  };
  after(() => Promise.all(apps.map((t) => t.stop(true))));

  let untrusting: TestApp;
  before(async () => {
    untrusting = await start();
  });

  it('ignores them by default: the peer is the client, and the origin is the one connected to', async () => {
    const seen = await seenThrough(untrusting, 'untrusting');
    assert.deepEqual(seen, { source: '127.0.0.1', origin: new URL(untrusting.url).origin });
  });

  it('believes a trusted proxy: the nearest untrusted address it forwards, and the scheme and host', async () => {
    // 203.0.113.9 connected to the trusted proxy; 198.51.100.7 is only what that client claimed.
    const t = await start(['127.0.0.1/8']);
    assert.deepEqual(await seenThrough(t, 'behind-proxy'), {
      source: '203.0.113.9',
      origin: 'https://notebooks.example.org',
    });
  });

  it('with true, believes the whole chain: the first address in it', async () => {
    const t = await start(true);
    assert.deepEqual(await seenThrough(t, 'trust-all'), {
      source: '198.51.100.7',
      origin: 'https://notebooks.example.org',
    });
  });

  it('with a hop count, takes the address the last trusted hop saw, not what the client claims', async () => {
    const t = await start(1);
    const seen = await seenThrough(t, 'one-hop');
    assert.equal(seen.source, '203.0.113.9');
  });

  it('ignores them from a proxy that is not on the list', async () => {
    const t = await start('10.0.0.0/8');
    assert.deepEqual(await seenThrough(t, 'not-listed'), { source: '127.0.0.1', origin: new URL(t.url).origin });
  });

  it('refuses values Fastify would read as something else', () => {
    for (const bad of ['true', '', -1, 1.5, [], [''], {}] as unknown[]) {
      assert.throws(
        () => resolveConfig({ trustProxy: bad as ConfigOptions['trustProxy'] }),
        /trustProxy must be/,
        JSON.stringify(bad),
      );
    }
  });
});
