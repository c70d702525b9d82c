/**
 * @module test/support/real-notebook
 * A real notebook on the local runtime for a test: created and RUNNING, its cookie and a kernel's
 * channels URL at hand; and its stop, which a test must do itself — a local notebook outlives the
 * service by design, so one left running would outlive the test run.
 */
import { create, waitStatus } from './api.js';
import { openNotebook, startKernel } from './kernel-client.js';
import type { TestApp } from './test-app.js';

export interface RealNotebook {
  id: string;
  cookie: string;
  /** The channels WebSocket URL of a kernel started in it. */
  kernel: string;
}

/** Creates the instance, waits until it runs, opens it and starts a kernel. */
export async function startRealNotebook(t: TestApp, body: unknown): Promise<RealNotebook> {
  const { id } = await create(t, body);
  await waitStatus(t, id, 'RUNNING', { timeoutMs: 90_000 });
  const token = (await t.http('GET', `${t.instances()}/${id}/token`)).body.token as string;
  const cookie = await openNotebook(t.url, id, token);
  return { id, cookie, kernel: await startKernel(t.url, id, cookie) };
}

/** Stops the notebook and waits until it has. */
export async function stopRealNotebook(t: TestApp, id: string): Promise<void> {
  await t.http('POST', `${t.instances()}/${id}/action`, { body: { action: 'stop' } });
  await waitStatus(t, id, 'STOPPED', { timeoutMs: 60_000 });
}
