import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('OpenAPI document', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.stop());

  it('is served without a token and lists every operation with the schemas the routes use', async () => {
    const res = await t.http('GET', '/openapi.json', { token: null });
    assert.equal(res.status, 200);
    const doc = res.body;
    assert.equal(doc.openapi.startsWith('3.'), true);
    const base = '/v1/{project_id}/demanager/instances';
    const expected: Record<string, string[]> = {
      [base]: ['get', 'post'],
      [`${base}/{instance_id}`]: ['delete', 'get', 'put'],
      [`${base}/{instance_id}/action`]: ['post'],
      [`${base}/{instance_id}/token`]: ['get'],
      [`${base}/{instance_id}/shares`]: ['get', 'post'],
      [`${base}/{instance_id}/shares/{user_id}`]: ['delete'],
      '/v1/{project_id}/demanager/profiles': ['get'],
      '/v1/{project_id}/demanager/flavors': ['get'],
      '/v1/{project_id}/demanager/instance-changes': ['get'],
      '/v3/auth/tokens': ['delete', 'get', 'post'],
      '/v3/auth/session': ['delete', 'get', 'post'],
      '/v3/users': ['get', 'post'],
      '/v3/projects': ['get', 'post'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      assert.ok(doc.paths[path], `missing ${path}`);
      assert.deepEqual(Object.keys(doc.paths[path]).sort(), methods, path);
    }
    const detail = doc.paths[`${base}/{instance_id}`].get.responses['200'].content['application/json'].schema;
    const properties = Object.keys(detail.properties ?? {});
    for (const field of [
      'id',
      'name',
      'description',
      'status',
      'creation_timestamp',
      'profile',
      'flavor',
      'spec',
      'workspace',
      'latest_update_timestamp',
      'flavor_details',
      'pool',
      'ai_project',
      'error_code',
      'queuing_info',
      'user',
    ]) {
      assert.ok(properties.includes(field), `Instance schema lacks ${field}`);
    }
    const list = doc.paths[base].get.parameters.map((p: { name: string }) => p.name);
    for (const q of [
      'de_type',
      'status',
      'sortby',
      'order',
      'offset',
      'limit',
      'workspace_id',
      'show_self',
      'ai_project',
      'ai_project_id',
      'pool_id',
      'provision_type',
    ]) {
      assert.ok(list.includes(q), `list lacks query parameter ${q}`);
    }
  });

  it('answers health checks without a token', async () => {
    const res = await t.http('GET', '/healthz', { token: null });
    assert.deepEqual([res.status, res.body], [200, { status: 'ok' }]);
  });
});
