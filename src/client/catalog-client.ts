/**
 * @module client/catalog-client
 * What a create may name (demanager extensions): `{apiBase}/demanager/profiles` and `…/flavors`,
 * the flavors with their state for the caller (sold out, permitted, queue).
 */
import type { HttpClient } from './http.js';
import type { FlavorList, FlavorListQuery, ProfileList, ProfileListQuery } from './types.js';

export class CatalogClient {
  constructor(
    private readonly http: HttpClient,
    private readonly apiBase: () => string,
    private readonly authToken: () => string | undefined,
  ) {}

  #url(what: 'profiles' | 'flavors'): string {
    return `${this.apiBase().replace(/\/+$/, '')}/demanager/${what}`;
  }

  async profiles(query: ProfileListQuery = {}): Promise<ProfileList> {
    return (await this.http.request<ProfileList>('GET', this.#url('profiles'), { token: this.authToken(), query }))
      .body;
  }

  async flavors(query: FlavorListQuery = {}): Promise<FlavorList> {
    return (await this.http.request<FlavorList>('GET', this.#url('flavors'), { token: this.authToken(), query })).body;
  }
}
