/**
 * The local log's tail is read backwards from the end: a log of gigabytes (here sparse, so the test
 * costs nothing) answers its last lines without being read whole — reading it whole could not even
 * make one string of it — and a line without end is bounded too. Secrets are masked, overlong
 * lines cut, a missing log is null and a link is refused.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { lastLines, tail } from '../../src/runtime/local/log-file.js';

const dir = mkdtempSync(join(tmpdir(), 'demanager-log-tail-'));
const GIB = 2 ** 30;

describe('the tail of the local log', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers the last lines of an 8 GiB log from its end, and says earlier ones exist', async () => {
    const file = join(dir, 'huge.log');
    writeFileSync(file, 'first\n');
    truncateSync(file, 8 * GIB);
    appendFileSync(file, 'a\nb\nc\n');
    assert.deepEqual(await lastLines(file, 2), { lines: ['b', 'c'], truncated: true });
    // Without a line end in its last megabytes, the read stops at its bound: the line's end is shown, marked cut.
    const endless = join(dir, 'endless.log');
    writeFileSync(endless, '');
    truncateSync(endless, 8 * GIB);
    appendFileSync(endless, 'end\n');
    const read = await lastLines(endless, 5);
    assert.equal(read?.truncated, true);
    assert.equal(read?.lines.length, 1);
    assert.equal(read?.lines[0]?.length, 8 * 1024);
    assert.match(read?.lines[0] ?? '', /^….*end$/s);
  });

  it('answers a small log whole, untruncated; masks secrets; cuts long lines and carriage returns', async () => {
    const file = join(dir, 'small.log');
    writeFileSync(file, `one\r\n\ntoken s3cret-value here\n${'x'.repeat(10_000)}\nlast`);
    const read = await lastLines(file, 10, ['s3cret-value', undefined]);
    assert.deepEqual(read?.lines.slice(0, 3), ['one', '', 'token [redacted] here']);
    assert.equal(read?.lines[3], `${'x'.repeat(8 * 1024)}…`);
    assert.equal(read?.lines[4], 'last', 'a last line without its end yet');
    assert.equal(read?.truncated, false);
    assert.deepEqual(await lastLines(file, 1), { lines: ['last'], truncated: true });
    assert.deepEqual(await tail(file, 2), [`${'x'.repeat(8 * 1024)}…`, 'last'], 'failure messages skip nothing else');
  });

  it('says earlier lines exist in a rotated generation', async () => {
    const file = join(dir, 'rotated.log');
    writeFileSync(file, 'now\n');
    writeFileSync(`${file}.1`, 'before\n');
    assert.deepEqual(await lastLines(file, 10), { lines: ['now'], truncated: true });
  });

  it('is null for a missing log and refuses a link', async () => {
    assert.equal(await lastLines(join(dir, 'missing.log'), 10), null);
    const link = join(dir, 'link.log');
    symlinkSync('/etc/passwd', link);
    await assert.rejects(lastLines(link, 10), { code: 'ELOOP' });
    assert.deepEqual(await tail(link, 3), [], 'failure messages quote nothing of it');
  });
});
