/**
 * @module test/deploy/kustomization-render
 * Renders a kustomization the way `kubectl apply -k` would for the subset it may use: a list of
 * local resource files, nothing else. Any other kustomize feature is refused rather than ignored,
 * so the checks always see exactly what kubectl applies. Each document is read twice from one
 * parse: as client-node's typed object and as the plain YAML value; a field the typed model drops
 * is one the API server does not know, which strict field validation (kubectl's default) rejects.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dumpYaml, loadAllYaml, type KubernetesObject } from '@kubernetes/client-node';

export interface RenderedObject {
  /** The file it came from, for messages. */
  file: string;
  /** The plain YAML value. */
  raw: Record<string, unknown>;
  /** client-node's typed model of it (fields it does not know are gone). */
  typed: KubernetesObject;
}

interface ParsedDocument {
  raw: Plain;
  typed: KubernetesObject;
}

const KUSTOMIZATION_FIELDS = new Set(['apiVersion', 'kind', 'resources']);

type Plain = Record<string, unknown>;

/** Every document of a YAML text, typed and plain. */
export function parseDocuments(text: string, file: string): ParsedDocument[] {
  const raws: Plain[] = [];
  let depth = 0;
  const typed = loadAllYaml(text, {
    filename: file,
    // The outermost node of each document closes last: its value is the document as written.
    listener(event, state) {
      if (event === 'open') depth++;
      else if (--depth === 0) raws.push(state.result as Plain);
    },
  }) as KubernetesObject[];
  if (raws.length !== typed.length) throw new Error(`${file}: ${raws.length} documents read, ${typed.length} typed`);
  return typed.map((object, i) => ({ raw: raws[i]!, typed: object }));
}

/** The fields of a document its typed model lost, as paths (`.spec.bogus`). */
export function droppedFields(document: ParsedDocument): string[] {
  // The typed model names some fields apart from the API (`from` is `_from`): written back by
  // client-node itself, it carries the API's names again.
  const [written] = parseDocuments(dumpYaml(document.typed), 'typed');
  return unknownFields(document.raw, written?.raw);
}

function unknownFields(raw: unknown, typed: unknown, path = ''): string[] {
  if (Array.isArray(raw)) {
    if (!Array.isArray(typed)) return [path || '.'];
    return raw.flatMap((item, i) => unknownFields(item, typed[i], `${path}[${i}]`));
  }
  if (raw === null || typeof raw !== 'object') return [];
  if (typed === null || typeof typed !== 'object') return [path || '.'];
  return Object.entries(raw).flatMap(([key, value]) => {
    const inner = (typed as Plain)[key];
    return inner === undefined ? [`${path}.${key}`] : unknownFields(value, inner, `${path}.${key}`);
  });
}

/** The objects `kubectl apply -k dir` creates, in the kustomization's order. */
export function renderKustomization(dir: string): RenderedObject[] {
  const [kustomization] = parseDocuments(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'), 'kustomization.yaml');
  if (kustomization?.raw.kind !== 'Kustomization') throw new Error(`${dir}/kustomization.yaml is not a Kustomization`);
  const extra = Object.keys(kustomization.raw).filter((key) => !KUSTOMIZATION_FIELDS.has(key));
  if (extra.length > 0)
    throw new Error(`kustomization.yaml uses ${extra.join(', ')}: only plain resources are rendered here`);
  const resources = kustomization.raw.resources;
  if (!Array.isArray(resources) || !resources.every((entry) => typeof entry === 'string'))
    throw new Error('kustomization.yaml: resources must be a list of files');
  return resources.flatMap((file: string) => {
    if (file.includes('/') || !file.endsWith('.yaml'))
      throw new Error(`kustomization.yaml: ${file} is not a YAML file of this directory`);
    return parseDocuments(readFileSync(join(dir, file), 'utf8'), file).map((document) => {
      const unknown = droppedFields(document);
      if (unknown.length > 0)
        throw new Error(
          `${file}: ${String(document.raw.kind)} has fields the API does not know: ${unknown.join(', ')}`,
        );
      return { file, ...document };
    });
  });
}
