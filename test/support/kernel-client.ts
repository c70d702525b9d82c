/**
 * @module test/support/kernel-client
 * Drives a real notebook the way a browser does, through demanager's proxy: trade an instance
 * token for the notebook cookie, start a kernel, and run code in it over the kernel WebSocket.
 * What a notebook user can do, tests do with this.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

/** Opens `/notebook/<id>/?token=…` and answers the notebook cookie (`name=value`). */
export async function openNotebook(baseUrl: string, instanceId: string, token: string): Promise<string> {
  const res = await fetch(`${baseUrl}/notebook/${instanceId}/?token=${token}`, { redirect: 'manual' });
  assert.equal(res.status, 302, `opening the notebook answered ${res.status}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** Starts a kernel and answers the URL of its channels WebSocket. */
export async function startKernel(baseUrl: string, instanceId: string, cookie: string): Promise<string> {
  const res = await fetch(`${baseUrl}/notebook/${instanceId}/api/kernels`, {
    method: 'POST',
    headers: { cookie, origin: baseUrl, 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { id } = (await res.json()) as { id: string };
  return `${baseUrl.replace('http', 'ws')}/notebook/${instanceId}/api/kernels/${id}/channels`;
}

/** Runs `code` in a kernel over the proxied WebSocket and answers what it printed (and any error's value); rejects if the kernel dies. */
export function execute(
  url: string,
  cookie: string,
  code: string,
  origin: string,
  timeoutMs = 30_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { cookie }, origin });
    const msgId = randomUUID();
    let output = '';
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`no reply; got ${output}`));
    }, timeoutMs);
    ws.on('error', reject);
    // Settles nothing once it has resolved; before that, a closed socket is a server that went away.
    ws.on('close', () => {
      clearTimeout(timer);
      reject(new Error(`the connection closed; got ${output}`));
    });
    ws.on('open', () => {
      ws.send(
        JSON.stringify({
          header: {
            msg_id: msgId,
            username: 'test',
            session: randomUUID(),
            msg_type: 'execute_request',
            version: '5.3',
            date: new Date().toISOString(),
          },
          parent_header: {},
          metadata: {},
          content: {
            code,
            silent: false,
            store_history: false,
            user_expressions: {},
            allow_stdin: false,
            stop_on_error: true,
          },
          channel: 'shell',
          buffers: [],
        }),
      );
    });
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      // A kernel that died (killed, out of memory) is restarted by Jupyter, which says so unprompted.
      if (msg.msg_type === 'status' && ['restarting', 'dead'].includes(msg.content.execution_state)) {
        clearTimeout(timer);
        ws.close();
        reject(new Error(`the kernel died (${msg.content.execution_state}); got ${output}`));
        return;
      }
      if (msg.parent_header?.msg_id !== msgId) return;
      if (msg.msg_type === 'stream') output += msg.content.text;
      if (msg.msg_type === 'error') output += msg.content.evalue;
      if (msg.msg_type === 'status' && msg.content.execution_state === 'idle') {
        clearTimeout(timer);
        ws.close();
        resolve(output);
      }
    });
  });
}
