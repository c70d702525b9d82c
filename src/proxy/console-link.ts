/**
 * @module proxy/console-link
 * Where the console shows an instance, for the proxy's refusals to link to: the console's detail
 * route on this server (console/router: `#/instances/<id>`), which the proxy makes absolute when
 * notebooks are served from hosts of their own (the console is then on another host). Only a syntactically valid instance id gets a link: the
 * id comes from the request's path, and a refusal must not echo arbitrary input as a link.
 */
import { isInstanceId } from '../core/model/instance.js';

/** The console's address of the instance `instanceId` (always a valid id). */
export type ConsoleLinkOf = (instanceId: string) => string;

export const consoleLinkOnThisServer: ConsoleLinkOf = (instanceId) =>
  `/console/#/instances/${encodeURIComponent(instanceId)}`;

/** The link for the id in a request's path, or undefined when it is not an instance id. */
export function consoleLinkFor(instanceId: string, linkOf: ConsoleLinkOf): string | undefined {
  return isInstanceId(instanceId) ? linkOf(instanceId) : undefined;
}
