/**
 * @module test/support/kubernetes/api-server
 * The HTTP face of the fake cluster: core/v1 (and apps/v1) paths, verbs, query parameters and Status errors as
 * the real API server has them, over the {@link ObjectStore}. Every resource call is recorded by
 * RBAC verb, so tests can check a client calls nothing its Role does not grant.
 */
import { randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  ApiError,
  badRequest,
  deleted,
  invalid,
  methodNotAllowed,
  notFound,
  unauthorized,
  unknownResource,
} from './api-status.js';
import { ContainerLogs } from './container-logs.js';
import { deleteObject } from './deletion.js';
import { discovery } from './discovery.js';
import { fieldSelector } from './field-selector.js';
import { labelSelector } from './label-selector.js';
import { listPage } from './list-pages.js';
import type { ObjectStore } from './object-store.js';
import { applyPatch } from './patches.js';
import { isResourceName, RESOURCE_KINDS, type ResourceName } from './resource-kinds.js';
import { serveWatch, type OpenWatch } from './watch-stream.js';

export interface ApiCall {
  verb: string;
  resource: string;
  namespace?: string;
}

export interface ApiServerOptions {
  bookmarkIntervalMs: number;
}

interface Target {
  resource: ResourceName;
  namespace?: string;
  name?: string;
  /** The only subresource served: a Pod's `log`. */
  subresource?: 'log';
}

/** The core group under `/api/v1`, the others under `/apis/<group>/<version>`. */
const PATH = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/;

function parseTarget(pathname: string): Target {
  const m = PATH.exec(pathname);
  if (!m) throw unknownResource();
  const [, core, groupVersion, namespace, resource, name, subresource] = m.map((p) =>
    p === undefined ? p : decodeURIComponent(p),
  );
  if (!resource || !isResourceName(resource)) throw unknownResource();
  // A kind is served under its own group only (no pods under /apis/apps/v1).
  if (RESOURCE_KINDS[resource].apiVersion !== (core ?? groupVersion)) throw unknownResource();
  if (name !== undefined && namespace === undefined) throw unknownResource();
  if (subresource === undefined) return { resource, namespace, name };
  if (resource !== 'pods' || subresource !== 'log') throw unknownResource();
  return { resource, namespace, name, subresource };
}

async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`the body of the request could not be decoded: ${(err as Error).message}`);
  }
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

// The alphabet the server's generateName suffixes use (no vowels, no look-alike digits).
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const nameSuffix = () => Array.from({ length: 5 }, () => NAME_ALPHABET[randomInt(NAME_ALPHABET.length)]).join('');

/** List items carry no kind/apiVersion on the real API; only the list itself says what they are. */
function listItem(obj: any): any {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = obj;
  return rest;
}

export class ApiServer {
  readonly #store: ObjectStore;
  readonly #options: ApiServerOptions;
  readonly #calls: ApiCall[] = [];
  readonly #watches = new Set<OpenWatch>();
  readonly #serviceIPs = { next: 10 };
  readonly http: Server;
  url = '';

  readonly logs = new ContainerLogs();

  constructor(store: ObjectStore, options: ApiServerOptions) {
    this.#store = store;
    this.#options = options;
    this.http = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        if (res.headersSent) return void res.destroy();
        if (err instanceof ApiError) return send(res, err.status.code, err.status);
        send(res, 500, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: String(err),
          reason: 'InternalError',
          details: {},
          code: 500,
        });
      });
    });
  }

  calls(): ApiCall[] {
    return this.#calls.map((c) => ({ ...c }));
  }

  dropWatches(abrupt: boolean): void {
    for (const watch of [...this.#watches]) abrupt ? watch.destroy() : watch.end();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) throw unauthorized();
    const url = new URL(req.url ?? '/', this.url);
    const document = req.method === 'GET' ? discovery(url.pathname, this.url) : undefined;
    if (document) return send(res, 200, document);
    const target = parseTarget(url.pathname);
    const query = url.searchParams;
    const record = (verb: string) =>
      this.#calls.push({
        verb,
        resource: target.subresource ? `${target.resource}/${target.subresource}` : target.resource,
        ...(target.namespace ? { namespace: target.namespace } : {}),
      });
    const { resource, namespace, name } = target;
    const kind = RESOURCE_KINDS[resource];
    if (target.subresource === 'log') {
      if (req.method !== 'GET') throw methodNotAllowed();
      record('get');
      const pod = this.#store.get(resource, namespace!, name!);
      if (!pod) throw notFound(resource, name!);
      const text = this.logs.read(pod, query);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return void res.end(text);
    }

    switch (`${req.method} ${name === undefined ? 'collection' : 'object'}`) {
      case 'GET collection': {
        const matches = this.#selector(resource, query);
        if (['true', '1'].includes(query.get('watch') ?? '')) {
          record('watch');
          return this.#watch(target, query, matches, res);
        }
        record('list');
        const all = this.#store.list(resource, namespace).filter(matches).map(listItem);
        const { items, metadata } = listPage(
          all,
          query.get('limit'),
          query.get('continue'),
          this.#store.resourceVersion,
        );
        return send(res, 200, { kind: kind.listKind, apiVersion: kind.apiVersion, metadata, items });
      }
      case 'GET object': {
        record('get');
        const obj = this.#store.get(resource, namespace!, name!);
        if (!obj) throw notFound(resource, name!);
        return send(res, 200, obj);
      }
      case 'POST collection': {
        if (namespace === undefined) throw methodNotAllowed();
        record('create');
        return send(res, 201, this.#create(target, await readJson(req)));
      }
      case 'PUT object': {
        record('update');
        return send(res, 200, this.#replace(target, await readJson(req)));
      }
      case 'PATCH object': {
        record('patch');
        const current = this.#store.get(resource, namespace!, name!);
        const body = await readJson(req);
        if (!current) throw notFound(resource, name!);
        const patched = applyPatch(req.headers['content-type'] ?? '', current, body, kind.kind, name!);
        return send(res, 200, this.#replace(target, patched, current));
      }
      case 'DELETE object': {
        record('delete');
        const body = (await readJson(req)) ?? {};
        const grace = query.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
        const options = {
          preconditions: body.preconditions,
          ...(grace !== undefined && grace !== null ? { gracePeriodSeconds: Number(grace) } : {}),
        };
        const result = deleteObject(this.#store, resource, namespace!, name!, options);
        const gone = !this.#store.get(resource, namespace!, name!);
        return send(
          res,
          200,
          gone && !kind.returnsDeletedObject ? deleted(resource, name!, result.metadata.uid) : result,
        );
      }
      default:
        throw methodNotAllowed();
    }
  }

  #selector(resource: ResourceName, query: URLSearchParams): (obj: any) => boolean {
    const labels = labelSelector(query.get('labelSelector'));
    const fields = fieldSelector(query.get('fieldSelector'), RESOURCE_KINDS[resource].fields);
    return (obj) => labels(obj.metadata?.labels) && fields(obj);
  }

  #watch(target: Target, query: URLSearchParams, matches: (obj: any) => boolean, res: ServerResponse): void {
    const resourceVersion = query.get('resourceVersion') ?? '';
    if (resourceVersion !== '' && !/^\d+$/.test(resourceVersion))
      throw badRequest(`invalid resource version: ${resourceVersion}`);
    const timeout = query.get('timeoutSeconds');
    const watch: OpenWatch = serveWatch(
      this.#store,
      {
        resource: target.resource,
        ...(target.namespace ? { namespace: target.namespace } : {}),
        resourceVersion,
        matches,
        allowWatchBookmarks: ['true', '1'].includes(query.get('allowWatchBookmarks') ?? ''),
        ...(timeout ? { timeoutSeconds: Number(timeout) } : {}),
        bookmarkIntervalMs: this.#options.bookmarkIntervalMs,
      },
      res,
      () => this.#watches.delete(watch),
    );
    if (!res.writableEnded) this.#watches.add(watch);
  }

  #checkBody(target: Target, body: any): any {
    const { kind, apiVersion } = RESOURCE_KINDS[target.resource];
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw badRequest('the body of the request must be a JSON object');
    if (body.kind !== undefined && body.kind !== kind)
      throw badRequest(`the kind of the provided object (${body.kind}) does not match ${kind}`);
    if (body.metadata?.namespace !== undefined && body.metadata.namespace !== target.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    return { ...body, kind, apiVersion, metadata: { ...body.metadata, namespace: target.namespace } };
  }

  #create(target: Target, body: any): any {
    const obj = this.#checkBody(target, body);
    const kind = RESOURCE_KINDS[target.resource];
    if (!obj.metadata.name && obj.metadata.generateName)
      obj.metadata.name = `${obj.metadata.generateName}${nameSuffix()}`;
    const causes = kind.validate(obj);
    if (causes.length) throw invalid(kind.kind, obj.metadata.name ?? '', causes);
    for (const field of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp'])
      delete obj.metadata[field];
    kind.defaults(obj, {
      allocateClusterIP: () =>
        `10.96.${Math.floor(this.#serviceIPs.next / 250)}.${(this.#serviceIPs.next++ % 250) + 1}`,
    });
    return this.#store.create(target.resource, obj);
  }

  /** PUT semantics: a resourceVersion in the body must be the stored one; server-owned fields are kept. */
  #replace(
    target: Target,
    body: any,
    current = this.#store.get(target.resource, target.namespace!, target.name!),
  ): any {
    const obj = this.#checkBody(target, body);
    if (obj.metadata.name !== target.name) {
      throw badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${target.name})`,
      );
    }
    if (!current) throw notFound(target.resource, target.name!);
    const kind = RESOURCE_KINDS[target.resource];
    const causes = [...kind.validate(obj), ...(kind.updateCauses?.(current, obj) ?? [])];
    if (causes.length) throw invalid(kind.kind, target.name!, causes);
    // Status is a subresource for Pods and claims: a write to the object itself never changes it.
    if (target.resource === 'pods' || target.resource === 'persistentvolumeclaims') obj.status = current.status;
    obj.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
    obj.metadata.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
    if (obj.metadata.deletionTimestamp === undefined) delete obj.metadata.deletionTimestamp;
    if (obj.metadata.deletionGracePeriodSeconds === undefined) delete obj.metadata.deletionGracePeriodSeconds;
    return this.#store.update(target.resource, obj, obj.metadata.resourceVersion);
  }
}
