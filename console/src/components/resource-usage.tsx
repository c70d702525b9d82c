/**
 * "Resource use" on an instance's page: the CPU cores and memory the running notebook uses now,
 * each as a meter against its flavor's limit with the figures in words beside it, measured again
 * every few seconds while it runs. Where the runtime cannot measure (no control groups, the
 * Kubernetes runtime, a notebook that is not running) it says so: no number is made up.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ResourceUsage as Usage } from '../../../src/client/index.js';
import { messageOf } from '../api-errors.js';
import type { InstanceSectionProps } from './instance-section.js';
import { Messages } from './messages.js';
import { MeterFigure } from './meter-figure.js';

const POLL_MS = 5000;
const MIB = 2 ** 20;
/** A meter shows a figure near its limit from 90 % of it. */
const NEAR_LIMIT = { high: 0.9 };

/** 335544320 → "320 MiB", 8589934592 → "8.0 GiB". */
function bytesInWords(bytes: number): string {
  return bytes >= 1024 * MIB ? `${(bytes / (1024 * MIB)).toFixed(1)} GiB` : `${Math.round(bytes / MIB)} MiB`;
}

export function ResourceUsage({ console: c, instance, onFailure }: InstanceSectionProps) {
  const [usage, setUsage] = useState<Usage | null>(null);
  const [problem, setProblem] = useState('');
  const running = instance.status === 'RUNNING';

  const measure = useCallback(async () => {
    try {
      setUsage(await c.client.usage(instance.id));
      setProblem('');
    } catch (error) {
      setProblem(messageOf(error));
      onFailure(error);
    }
  }, [c, instance.id]);

  useEffect(() => void measure(), [measure, instance.status]);

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void measure(), POLL_MS);
    return () => clearInterval(timer);
  }, [running, measure]);

  return (
    <section aria-labelledby="usage-title">
      <h2 id="usage-title">Resource use</h2>
      <Messages problem={problem} />
      {usage === null && !problem && <p aria-busy="true">Measuring…</p>}
      {usage && !usage.available && (
        <p class="muted" data-testid="usage-unavailable">
          Not available: {running ? 'this runtime cannot measure the notebook.' : 'the notebook is not running.'}
        </p>
      )}
      {usage?.available && (
        <dl class="fields usage">
          {usage.cpu_cores !== null && (
            <MeterFigure
              id="usage-cpu"
              label="CPU"
              used={usage.cpu_cores}
              limit={usage.cpu_limit_cores}
              regions={NEAR_LIMIT}
              text={`${usage.cpu_cores.toFixed(2)} ${usage.cpu_limit_cores === null ? 'CPU cores (no limit)' : `of ${usage.cpu_limit_cores} CPU cores`}`}
            />
          )}
          {usage.memory_bytes !== null && (
            <MeterFigure
              id="usage-memory"
              label="Memory"
              used={usage.memory_bytes}
              limit={usage.memory_limit_bytes}
              regions={NEAR_LIMIT}
              text={`${bytesInWords(usage.memory_bytes)} ${usage.memory_limit_bytes === null ? '(no limit)' : `of ${bytesInWords(usage.memory_limit_bytes)}`}`}
            />
          )}
        </dl>
      )}
    </section>
  );
}
