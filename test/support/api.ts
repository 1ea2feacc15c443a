import request from 'supertest';
import { expect } from 'vitest';

/** A JSON body as the API answers it: the tests read and assert whatever is in it. */
export type Json = Record<string, any>;
export type Headers = Record<string, string>;
export type Query = Record<string, unknown>;
type Body = string | object;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
interface Call {
  body?: Body;
  headers?: Headers;
  query?: Query;
}
type Send<R> = (method: Method, path: string, call?: Call) => R;

/** Who calls: a workspace (by its access token), a bare token, or null for no Authorization header at all. */
export type Caller = { access_token: string } | string | null;

/** The Intercom-Version header, to pass as the headers of a call or of a whole client. */
export const version = (v: string): Headers => ({ 'Intercom-Version': v });

/** The API's routes over one way of sending: each answers what `send` answers for that request. */
function routes<R>(send: Send<R>) {
  const contact = (id: string) => `/contacts/${id}`;
  return {
    get: (path: string, headers?: Headers) => send('get', path, { headers }),
    post: (path: string, body?: Body, headers?: Headers) => send('post', path, { body, headers }),
    put: (path: string, body?: Body, headers?: Headers) => send('put', path, { body, headers }),
    patch: (path: string, body?: Body, headers?: Headers) => send('patch', path, { body, headers }),
    delete: (path: string, headers?: Headers) => send('delete', path, { headers }),
    contacts: {
      create: (body: object, headers?: Headers) => send('post', '/contacts', { body, headers }),
      get: (id: string, headers?: Headers) => send('get', contact(id), { headers }),
      update: (id: string, body: Body, headers?: Headers) => send('put', contact(id), { body, headers }),
      delete: (id: string, headers?: Headers) => send('delete', contact(id), { headers }),
      /** Sent without a body or a Content-Type. */
      archive: (id: string, headers?: Headers) => send('post', `${contact(id)}/archive`, { headers }),
      unarchive: (id: string, headers?: Headers) => send('post', `${contact(id)}/unarchive`, { headers }),
      block: (id: string, headers?: Headers) => send('post', `${contact(id)}/block`, { headers }),
      merge: (body: object, headers?: Headers) => send('post', '/contacts/merge', { body, headers }),
      search: (body: object, headers?: Headers) => send('post', '/contacts/search', { body, headers }),
      list: (query?: Query, headers?: Headers) => send('get', '/contacts', { query, headers }),
      findByExternalId: (externalId: string, headers?: Headers) => send('get', `/contacts/find_by_external_id/${externalId}`, { headers }),
      history: (id: string, query?: Query) => send('get', `${contact(id)}/history`, { query }),
      mergeHistory: (id: string, query?: Query, headers?: Headers) => send('get', `${contact(id)}/merge_history`, { query, headers }),
      segments: (id: string) => send('get', `${contact(id)}/segments`),
    },
    tags: {
      /** Creates a tag by name, or renames the tag of `id`. */
      save: (body: object) => send('post', '/tags', { body }),
      list: () => send('get', '/tags'),
      of: (contactId: string) => send('get', `${contact(contactId)}/tags`),
      attach: (contactId: string, body: object) => send('post', `${contact(contactId)}/tags`, { body }),
      detach: (contactId: string, tagId: string) => send('delete', `${contact(contactId)}/tags/${tagId}`),
    },
    notes: {
      add: (contactId: string, body: object) => send('post', `${contact(contactId)}/notes`, { body }),
      of: (contactId: string, query?: Query) => send('get', `${contact(contactId)}/notes`, { query }),
      get: (id: string) => send('get', `/notes/${id}`),
    },
    companies: {
      /** Creates the company of `company_id`, or updates it. */
      save: (body: object) => send('post', '/companies', { body }),
      get: (id: string, headers?: Headers) => send('get', `/companies/${id}`, { headers }),
      update: (id: string, body: object, headers?: Headers) => send('put', `/companies/${id}`, { body, headers }),
      delete: (id: string, headers?: Headers) => send('delete', `/companies/${id}`, { headers }),
      /** GET /companies: one company by company_id or name, else a list. */
      retrieve: (query?: Query) => send('get', '/companies', { query }),
      list: (query?: Query) => send('post', '/companies/list', { query }),
      scroll: (query?: Query) => send('get', '/companies/scroll', { query }),
      contacts: (id: string, query?: Query) => send('get', `/companies/${id}/contacts`, { query }),
      segments: (id: string) => send('get', `/companies/${id}/segments`),
      history: (id: string, query?: Query) => send('get', `/companies/${id}/history`, { query }),
      of: (contactId: string, query?: Query) => send('get', `${contact(contactId)}/companies`, { query }),
      /** Without a body, nothing is sent at all. */
      attach: (contactId: string, body?: object) => send('post', `${contact(contactId)}/companies`, { body }),
      detach: (contactId: string, companyId: string) => send('delete', `${contact(contactId)}/companies/${companyId}`),
    },
    subscriptions: {
      types: () => send('get', '/subscription_types'),
      of: (contactId: string) => send('get', `${contact(contactId)}/subscriptions`),
      attach: (contactId: string, body: object) => send('post', `${contact(contactId)}/subscriptions`, { body }),
      detach: (contactId: string, typeId: string) => send('delete', `${contact(contactId)}/subscriptions/${typeId}`),
    },
    dataAttributes: {
      define: (name: string, data_type: string) => send('post', '/data_attributes', { body: { name, model: 'contact', data_type } }),
    },
    webhooks: {
      create: (body: object) => send('post', '/webhook_subscriptions', { body }),
      subscribe: (url: string, topics: readonly string[]) => send('post', '/webhook_subscriptions', { body: { url, topics } }),
      list: () => send('get', '/webhook_subscriptions'),
      delete: (id: string) => send('delete', `/webhook_subscriptions/${id}`),
      deliveries: (id: string, query?: Query) => send('get', `/webhook_subscriptions/${id}/deliveries`, { query }),
    },
    admins: {
      list: (query?: Query) => send('get', '/admins', { query }),
      get: (id: string | number) => send('get', `/admins/${id}`),
      /** GET /me: the admin the token acts for. */
      me: () => send('get', '/me'),
    },
    /** The service's own change feed. */
    changes: (query?: Query) => send('get', '/changes', { query }),
    /** Intercom's data events. */
    dataEvents: {
      track: (body: object, headers?: Headers) => send('post', '/events', { body, headers }),
      list: (query?: Query, headers?: Headers) => send('get', '/events', { query, headers }),
      summaries: (body: object, headers?: Headers) => send('post', '/events/summaries', { body, headers }),
    },
  };
}

export type Routes<R> = ReturnType<typeof routes<R>>;
/**
 * Every call answers the supertest request (await it for the response; `.expect()`, `.set()` and
 * `.query()` still chain). `ok` has the same calls, which assert 200, with the method, path and body
 * in the failure message, and answer the body.
 */
export type Client = Routes<request.Test> & { ok: Routes<Promise<Json>> };

/** The API of a running app (or any base URL), as a caller sees it: `api(t).as(workspace).contacts.create(...)`. */
export function api(target: { baseUrl: string } | string) {
  const baseUrl = typeof target === 'string' ? target : target.baseUrl;
  return {
    /** `defaults` go with every call (e.g. `version('2.14')`); a call's own headers win. */
    as(caller: Caller, defaults: Headers = {}): Client {
      const token = typeof caller === 'string' ? caller : caller?.access_token;
      const auth = token === undefined ? {} : { Authorization: `Bearer ${token}` };
      const send: Send<request.Test> = (method, path, { body, headers, query } = {}) => {
        let req = request(baseUrl)[method](path).set({ ...auth, ...defaults, ...headers });
        if (query) req = req.query(query);
        return body === undefined ? req : req.send(body);
      };
      const ok: Send<Promise<Json>> = async (method, path, call) => {
        const res = await send(method, path, call);
        expect(res.status, `${method.toUpperCase()} ${path}: ${res.text}`).toBe(200);
        return res.body;
      };
      return { ...routes(send), ok: routes(ok) };
    },
  };
}
