/**
 * @module test/cli/version-cli
 * The version the code reports is package.json's: `demanager --version`, and the OpenAPI document.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { VERSION } from '../../src/core/shared/release.js';
import { removeDir, runCli, tempDir } from './cli-harness.js';

const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const LOCK = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  version: string;
  packages: Record<string, { version: string }>;
};

describe('release version', () => {
  const configDir = tempDir();
  after(() => removeDir(configDir));

  it("is package.json's, and package-lock.json says the same", () => {
    assert.equal(VERSION, PACKAGE.version);
    assert.equal(LOCK.version, PACKAGE.version);
    assert.equal(LOCK.packages['']!.version, PACKAGE.version);
  });

  it('is what `demanager --version` prints', async () => {
    const result = await runCli(['--version'], { configDir });
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim(), VERSION);
  });
});
