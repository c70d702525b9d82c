/**
 * @module test/cli/cli-units.test
 * The CLI's pure parts, in process: tables and durations, request bodies from flags, the session
 * file, URL checks, the error-to-exit-code policy, and the catalog lookup of the API base.
 */
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CommanderError } from '@commander-js/extra-typings';
import { DemanagerApiError, DemanagerNetworkError, apiBaseOf, type TokenDocument } from '../../src/client/index.js';
import { normalizeUrl } from '../../src/cli/cli-context.js';
import { EXIT, NotLoggedInError, OperationFailedError, UsageError, reportError } from '../../src/cli/cli-errors.js';
import { createBody, updateBody } from '../../src/cli/instance-bodies.js';
import { formatDuration, renderTable } from '../../src/cli/output.js';
import { isExpired, readSession, removeSession, writeSession, type SavedSession } from '../../src/cli/session-file.js';
import { removeDir, tempDir } from './cli-harness.js';

const dirs: string[] = [];
const dir = () => {
  const d = tempDir('demanager-unit-');
  dirs.push(d);
  return d;
};
after(() => dirs.forEach(removeDir));

describe('output', () => {
  it('renderTable pads every column but the last to its widest cell', () => {
    const text = renderTable(
      ['ID', 'NAME', 'NOTE'],
      [
        ['1', 'long-name', ''],
        ['22', 'n', 'x'],
      ],
    );
    assert.equal(text, 'ID  NAME       NOTE\n1   long-name\n22  n          x\n');
  });

  it('formatDuration is short and exact', () => {
    assert.deepEqual([0, 45, 60, 3599, 3600, 5400, 86400].map(formatDuration), [
      '0s',
      '45s',
      '1m00s',
      '59m59s',
      '1h00m',
      '1h30m',
      '24h00m',
    ]);
  });
});

describe('instance request bodies', () => {
  it('builds a create body from flags; a path means OBS, otherwise EVS', async () => {
    assert.deepEqual(await createBody({ name: 'a', profile: 'p', flavor: 'f', path: '/b/x/', autoStop: 3600 }), {
      name: 'a',
      profile_id: 'p',
      flavor: 'f',
      spec: {
        storage: { type: 'obs', location: { path: '/b/x/' } },
        auto_stop: { enable: true, duration: 3600, prompt: true },
      },
    });
    const evs = await createBody({
      name: 'a',
      profile: 'p',
      flavor: 'f',
      volumeSize: 8,
      autoStop: false,
      pool: 'pool-1',
    });
    assert.deepEqual(evs.spec, {
      storage: { type: 'evs', location: { volume_size: 8 } },
      auto_stop: { enable: false },
    });
    assert.deepEqual(evs.pool, { id: 'pool-1' });
  });

  it('lays flags over the --file body and keeps everything else', async () => {
    const file = join(dir(), 'body.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'old',
        profile_id: 'p',
        flavor: 'f',
        spec: { storage: { type: 'obs', location: { path: '/b/' } }, log_path: '/l/' },
        pool: { id: '', name: '', type: '' },
      }),
    );
    const body = await createBody({ file, name: 'new', volumeSize: 9 });
    assert.equal(body.name, 'new');
    assert.deepEqual(body.spec, {
      storage: { type: 'obs', location: { path: '/b/', volume_size: 9 } },
      log_path: '/l/',
    });
    assert.deepEqual(body.pool, { id: '', name: '', type: '' });
  });

  it('missing flags and a file that is not a JSON object are usage errors', async () => {
    await assert.rejects(
      createBody({ name: 'a' }),
      (e: unknown) => e instanceof UsageError && /missing --profile, --flavor/.test(e.message),
    );
    const file = join(dir(), 'array.json');
    writeFileSync(file, '[1]');
    await assert.rejects(createBody({ file }), UsageError);
    await assert.rejects(createBody({ file: join(dir(), 'absent.json') }), UsageError);
  });

  it('builds the modify body; nothing to change is a usage error', () => {
    assert.deepEqual(updateBody({ description: 'd', autoStop: false }), {
      description: 'd',
      spec: { auto_stop: { enable: false } },
    });
    assert.deepEqual(updateBody({ autoStop: 7200 }), { spec: { auto_stop: { enable: true, duration: 7200 } } });
    assert.throws(() => updateBody({}), UsageError);
  });
});

describe('session file', () => {
  const session: SavedSession = {
    url: 'http://h:1',
    token: 'dm1.secret',
    projectId: 'p',
    projectName: 'default',
    apiBase: 'http://h:1/v1/p',
    expiresAt: '2999-01-01T00:00:00.000Z',
    user: 'admin',
    userId: 'u',
    domain: 'default',
    roles: ['admin'],
  };

  it('is written 0600 in a new 0700 directory, read back, and removed', () => {
    const path = join(dir(), 'nested', 'demanager', 'session.json');
    const mask = process.umask(0o000); // even a permissive umask must not loosen the modes
    try {
      writeSession(session, path);
    } finally {
      process.umask(mask);
    }
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(path, '..')).mode & 0o777, 0o700);
    assert.deepEqual(readSession(path), { state: 'ok', session });
    assert.equal(removeSession(path), true);
    assert.deepEqual(readSession(path), { state: 'none' });
    assert.equal(removeSession(path), false);
  });

  it('a damaged file is reported as such', () => {
    const path = join(dir(), 'session.json');
    writeFileSync(path, '{"url": 1}');
    assert.deepEqual(readSession(path), { state: 'corrupt', path });
  });

  it('knows when it has expired', () => {
    assert.equal(isExpired(session), false);
    assert.equal(isExpired({ ...session, expiresAt: '2000-01-01T00:00:00Z' }), true);
  });
});

describe('URLs and the catalog', () => {
  it('normalizeUrl keeps http(s) URLs without the trailing slash and refuses the rest', () => {
    assert.equal(normalizeUrl('http://127.0.0.1:8080/'), 'http://127.0.0.1:8080');
    assert.equal(normalizeUrl('https://example.com/prefix//'), 'https://example.com/prefix');
    assert.throws(() => normalizeUrl('127.0.0.1:8080'), UsageError);
    assert.throws(() => normalizeUrl('ftp://example.com'), UsageError);
  });

  it('apiBaseOf reads the public endpoint of the modelartsv1 entry, else the server URL', () => {
    const document = (catalog: TokenDocument['token']['catalog']): TokenDocument => ({
      token: {
        expires_at: '',
        issued_at: '',
        methods: ['password'],
        user: { id: 'u', name: 'n', domain: { id: 'd', name: 'd' } },
        project: { id: 'p1', name: 'p', domain: { id: 'd', name: 'd' } },
        roles: [],
        catalog,
      },
    });
    const endpoint = (iface: string, url: string) => ({
      id: iface,
      interface: iface,
      region: 'r',
      region_id: 'r',
      url,
    });
    const withEntry = document([
      { type: 'identity', id: 'i', name: 'keystone', endpoints: [endpoint('public', 'http://iam/v3')] },
      {
        type: 'modelartsv1',
        id: 'm',
        name: 'modelarts',
        endpoints: [endpoint('internal', 'http://in/v1/p1'), endpoint('public', 'http://pub/v1/p1/')],
      },
    ]);
    assert.equal(apiBaseOf(withEntry, 'http://srv'), 'http://pub/v1/p1');
    assert.equal(apiBaseOf(document([]), 'http://srv/'), 'http://srv/v1/p1');
  });
});

describe('exit codes', () => {
  const codeOf = (error: unknown): number => {
    const write = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      return reportError(error);
    } finally {
      process.stderr.write = write;
    }
  };
  const apiError = (status: number) =>
    new DemanagerApiError({ status, errorCode: 'X.1', errorMsg: 'm', method: 'GET', url: 'u' });

  it('maps every kind of failure to the documented code', () => {
    assert.equal(codeOf(apiError(400)), EXIT.apiError);
    assert.equal(codeOf(apiError(403)), EXIT.apiError);
    assert.equal(codeOf(apiError(401)), EXIT.notLoggedIn);
    assert.equal(codeOf(new NotLoggedInError('x')), EXIT.notLoggedIn);
    assert.equal(codeOf(new DemanagerNetworkError('u', 'refused')), EXIT.unreachable);
    assert.equal(codeOf(new UsageError('x')), EXIT.usage);
    assert.equal(codeOf(new CommanderError(1, 'commander.unknownOption', 'x')), EXIT.usage);
    assert.equal(codeOf(new CommanderError(0, 'commander.helpDisplayed', 'x')), EXIT.ok);
    assert.equal(codeOf(new OperationFailedError('x')), EXIT.apiError);
    assert.equal(codeOf(new Error('bug')), EXIT.apiError);
  });
});
