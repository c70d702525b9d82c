/**
 * @module test/support/kubernetes/container-logs
 * What the kubelet keeps of each container's output, and `GET …/pods/{name}/log` as the API
 * server answers it: `text/plain`, the last `tailLines` lines, the one container named or implied,
 * and the real failures (400 for a container that has not started or is not the Pod's, or none
 * named in a Pod of several; 422 for a negative `tailLines`; 400 for one that is not a number).
 * Output belongs to the Pod (by uid): a Pod created again under the same name starts empty. The
 * images run nothing here, so tests write what a container prints with {@link ContainerLogs.write}.
 */
import { badRequest, invalid } from './api-status.js';

export class ContainerLogs {
  /** `<pod uid>/<container>` → everything written, in order. */
  readonly #output = new Map<string, string>();

  /** Appends to the container's output, as its process printing would. */
  write(pod: any, container: string, text: string): void {
    const key = `${pod.metadata.uid}/${container}`;
    this.#output.set(key, (this.#output.get(key) ?? '') + text);
  }

  /** The body of a log request for the Pod, or the ApiError the server answers. */
  read(pod: any, query: URLSearchParams): string {
    const name: string = pod.metadata.name;
    const containers: string[] = (pod.spec?.containers ?? []).map((c: any) => c.name);
    let container = query.get('container') ?? '';
    if (container === '') {
      if (containers.length !== 1)
        throw badRequest(
          `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`,
        );
      container = containers[0]!;
    } else if (!containers.includes(container)) {
      throw badRequest(`container ${container} is not valid for pod ${name}`);
    }
    const tail = tailLinesOf(query.get('tailLines'));
    const status = (pod.status?.containerStatuses ?? []).find((s: any) => s.name === container);
    const waiting = status?.state?.waiting?.reason ?? (status ? undefined : 'ContainerCreating');
    if (waiting) throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${waiting}`);
    const text = this.#output.get(`${pod.metadata.uid}/${container}`) ?? '';
    if (tail === null) return text;
    const lines = text.split('\n');
    const ended = lines.at(-1) === '';
    if (ended) lines.pop();
    return lines.slice(lines.length - Math.min(tail, lines.length)).join('\n') + (ended && tail > 0 ? '\n' : '');
  }
}

function tailLinesOf(value: string | null): number | null {
  if (value === null) return null;
  if (!/^-?\d+$/.test(value))
    throw badRequest(`tailLines: strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  const tail = Number(value);
  if (tail < 0)
    throw invalid('PodLogOptions', '', [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${tail}: must be greater than or equal to 0`,
        field: 'tailLines',
      },
    ]);
  return tail;
}
