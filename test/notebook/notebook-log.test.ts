/**
 * The notebook log of a real Jupyter server on the local runtime, over the API: its start-up lines,
 * what a kernel writes to the server's stderr (the log file's fd, which every process of the
 * notebook inherits) as it goes, the workload's token masked wherever it appears, `tail` and
 * `truncated`, and the log still there once the notebook has stopped.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execute } from '../support/kernel-client.js';
import { startRealNotebook, stopRealNotebook } from '../support/real-notebook.js';
import { cpuBody, startTestApp, type TestApp } from '../support/test-app.js';

describe('the log of a real notebook', { timeout: 180_000 }, () => {
  let t: TestApp;
  let id = '';
  let kernel = '';
  let cookie = '';
  let running = false;
  const logs = async (query = '') => {
    const res = await t.http('GET', `${t.instances()}/${id}/logs${query}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { lines: string[]; truncated: boolean; available: boolean };
  };

  before(async () => {
    t = await startTestApp({ runtime: { driver: 'local', pollIntervalSeconds: 1 } });
    ({ id, cookie, kernel } = await startRealNotebook(t, cpuBody('logged', 'modelarts.vm.cpu.2u')));
    running = true;
  });
  after(async () => {
    if (running) await stopRealNotebook(t, id);
    await t?.stop(true);
  });

  it("shows the server's start-up lines", async () => {
    const log = await logs();
    assert.equal(log.available, true);
    assert.ok(
      log.lines.some((line) => /Jupyter|Serving notebooks|ServerApp|NotebookApp/.test(line)),
      log.lines.join('\n'),
    );
  });

  it('masks the workload token and every URL token, however they were written', async () => {
    // A kernel's fd 2 is the server's: the log file. What user code writes there lands in the log.
    const code = [
      'import os',
      "secret = os.environ.get('JUPYTER_TOKEN', '')",
      "os.write(2, f'marker-url http://127.0.0.1:1/lab?token={secret}\\nmarker-raw {secret}\\nmarker-other https://example.test/x?a=1&token=tok-123456&b=2\\n'.encode())",
      'print(secret)',
    ].join('\n');
    const secret = (await execute(kernel, cookie, code, t.url)).trim();
    assert.ok(secret.length >= 16, `the kernel sees the workload token (${secret.length} characters)`);
    let lines: string[] = [];
    for (let i = 0; i < 100 && !lines.some((l) => l.includes('marker-other')); i++) {
      lines = (await logs('?tail=1000')).lines;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const text = lines.join('\n');
    assert.ok(!text.includes(secret), 'the workload token appears nowhere');
    assert.ok(!text.includes('tok-123456'), 'nor does another URL token');
    assert.ok(lines.includes('marker-url http://127.0.0.1:1/lab?token=[redacted]'), text);
    assert.ok(lines.includes('marker-raw [redacted]'), text);
    assert.ok(lines.includes('marker-other https://example.test/x?a=1&token=[redacted]&b=2'), text);
  });

  it('takes what a kernel writes to the log as it goes', async () => {
    await execute(kernel, cookie, "import os\nos.write(2, b'tail-1\\ntail-2\\ntail-3\\n')", t.url);
    let log = await logs('?tail=1000');
    for (let i = 0; i < 100 && !log.lines.includes('tail-3'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      log = await logs('?tail=1000');
    }
    const at = log.lines.indexOf('tail-1');
    assert.deepEqual(log.lines.slice(at, at + 3), ['tail-1', 'tail-2', 'tail-3'], log.lines.join('\n'));
  });

  it('keeps the log once the notebook has stopped, and answers its last `tail` lines', async () => {
    await stopRealNotebook(t, id);
    running = false;
    // Stopped, nothing writes to the log any more (while it ran, Jupyter wrote lines of its own
    // between a kernel's, at times of its choosing): every answer below reads the same file.
    const whole = await logs('?tail=1000');
    assert.equal(whole.available, true);
    assert.equal(whole.truncated, false, 'a short log is answered whole');
    assert.ok(whole.lines.includes('tail-3'), whole.lines.join('\n'));
    assert.deepEqual(await logs('?tail=2'), { lines: whole.lines.slice(-2), truncated: true, available: true });
    const fromMarker = whole.lines.length - whole.lines.indexOf('tail-1');
    const marked = await logs(`?tail=${fromMarker}`);
    assert.deepEqual(marked.lines.slice(0, 3), ['tail-1', 'tail-2', 'tail-3']);
    assert.equal(marked.truncated, true, 'lines before tail-1 exist');
  });
});
