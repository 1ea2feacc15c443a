import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { UsageError, runCli } from '../apps/contacts-api/src/cli-commands.js';
import { type Client, type Json, api, version } from './support/api.js';
import { UUID } from './support/shape.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SEGMENT_KEYS = ['type', 'id', 'name', 'created_at', 'updated_at', 'person_type'];
const error = (errors: object[]) => ({ type: 'error.list', request_id: expect.stringMatching(UUID), errors });
const f = (field: string, operator: string, value: unknown) => ({ field, operator, value });

describe('segments as saved searches', () => {
  let t: TestApp;
  let me: Client;
  let them: Client;
  let workspaceId: string;
  /** Contacts by name. */
  const people: Record<string, Json> = {};
  let vip: Json;

  const define = (body: object, headers?: Record<string, string>) => me.post('/segment_definitions', body, headers);
  const ids = (page: Json) => page.data.map((contact: Json) => contact.name).sort();
  const searchNames = async (query: object) => ids(await me.ok.contacts.search({ query, pagination: { per_page: 150 } }));

  beforeAll(async () => {
    t = await startTestApp();
    const ws = await t.newWorkspace();
    workspaceId = ws.workspace_id;
    me = api(t).as(ws);
    them = api(t).as(await t.newWorkspace('other'));
    await me.ok.dataAttributes.define('plan', 'string');
    await me.ok.dataAttributes.define('seats', 'integer');
    vip = await me.ok.tags.save({ name: 'VIP' });
    const rows: [string, object][] = [
      ['ann', { email: 'ann@example.com', phone: '+15550001', custom_attributes: { plan: 'pro', seats: 10 } }],
      ['bob', { email: 'bob@other.org', custom_attributes: { plan: 'free', seats: 1 } }],
      ['cat', { role: 'lead', custom_attributes: { plan: 'pro' } }],
      ['dan', { email: 'dan@example.com', custom_attributes: { plan: 'pro', seats: 50 } }],
      ['eve', { email: 'eve@example.com' }],
    ];
    for (const [name, body] of rows) people[name] = await me.ok.contacts.create({ name, ...body });
    await me.ok.tags.attach(people.ann.id, { id: vip.id });
    await me.ok.tags.attach(people.eve.id, { id: vip.id });
    await me.contacts.archive(people.dan.id).expect(200);
  });
  afterAll(() => t?.close());

  describe('defining', () => {
    it('POST /segment_definitions answers the definition; GET /segments and GET /segments/{id} answer Intercom segments', async () => {
      const res = await define({ name: 'Pro users', query: f('custom_attributes.plan', '=', 'pro') });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        type: 'segment_definition',
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        name: 'Pro users',
        target: 'contacts',
        person_type: 'user',
        query: f('custom_attributes.plan', '=', 'pro'),
        intercom_version: '2.11',
        created_at: expect.any(Number),
        updated_at: expect.any(Number),
      });
      const found = await me.get(`/segments/${res.body.id}`);
      expect(found.status).toBe(200);
      expect(Object.keys(found.body)).toEqual(SEGMENT_KEYS);
      expect(found.body).toEqual({ type: 'segment', id: res.body.id, name: 'Pro users', created_at: res.body.created_at, updated_at: res.body.updated_at, person_type: 'user' });
      const list = await me.ok.get('/segments');
      expect(Object.keys(list)).toEqual(['type', 'segments']);
      expect(list.type).toBe('segment.list');
      expect(list.segments).toContainEqual(found.body);
      expect((await me.ok.get(`/segment_definitions/${res.body.id}`)).query).toEqual(res.body.query);
      expect((await me.ok.get('/segment_definitions')).data).toContainEqual(res.body);
    });

    it('answers 404 Resource Not Found for an unknown segment, or another workspace’s', async () => {
      const mine = await me.ok.post('/segment_definitions', { name: 'Mine only', query: f('name', '=', 'ann') });
      for (const [who, id] of [[me, '650cbc286d0a728750658b15'], [them, mine.id]] as const) {
        for (const path of [`/segments/${id}`, `/segment_definitions/${id}`]) {
          const res = await who.get(path);
          expect(res.status).toBe(404);
          expect(res.body).toEqual(error([{ code: 'not_found', message: 'Resource Not Found' }]));
        }
        expect((await who.delete(`/segment_definitions/${id}`)).status).toBe(404);
        expect((await who.put(`/segment_definitions/${id}`, { name: 'x' })).status).toBe(404);
      }
      expect((await them.ok.get('/segments')).segments).toEqual([]);
    });

    it.each([
      ['an unknown field', { name: 'x', query: f('nope', '=', 1) }, 'query'],
      ['an operator the type does not have', { name: 'x', query: f('name', '>', 'a') }, 'query'],
      ['a query naming a segment', { name: 'x', query: f('segment_id', '=', 'abc') }, 'query'],
      ['a tag that does not exist', { name: 'x', query: f('tag_id', '=', '999999') }, 'query'],
      ['a query that is not an object', { name: 'x', query: 'plan = pro' }, 'query'],
      ['no query', { name: 'x' }, 'query'],
      ['no name', { query: f('name', '=', 'a') }, 'name'],
      ['an unknown person type', { name: 'x', person_type: 'lead', query: f('name', '=', 'a') }, 'person_type'],
      ['a query over 16 KiB', { name: 'x', query: f('name', 'IN', Array.from({ length: 900 }, (_, i) => `name-${i}-${'x'.repeat(20)}`)) }, 'query'],
    ])('refuses %s with 400 parameter_invalid and saves nothing', async (_, body, field) => {
      const before = (await me.ok.get('/segments')).segments.length;
      const res = await define(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error([expect.objectContaining({ code: 'parameter_invalid', field })]));
      expect((await me.ok.get('/segments')).segments).toHaveLength(before);
    });

    it('refuses a name another segment has (in any case), and changes name, person type and query with PUT', async () => {
      const segment = await me.ok.post('/segment_definitions', { name: 'Renamable', query: f('name', '=', 'bob') });
      const clash = await define({ name: 'RENAMABLE', query: f('name', '=', 'bob') });
      expect(clash.status).toBe(400);
      expect(clash.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'name' });
      const renamed = await me.put(`/segment_definitions/${segment.id}`, { name: 'Renamed', person_type: 'contact' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ id: segment.id, name: 'Renamed', person_type: 'contact', query: f('name', '=', 'bob') });
      expect(renamed.body.updated_at).toBeGreaterThanOrEqual(segment.updated_at);
      const requeried = await me.ok.put(`/segment_definitions/${segment.id}`, { query: f('name', '=', 'cat') });
      expect(await searchNames(f('segment_id', '=', requeried.id))).toEqual(['cat']);
      const bad = await me.put(`/segment_definitions/${segment.id}`, { query: f('nope', '=', 1) });
      expect(bad.status).toBe(400);
      expect((await me.ok.get(`/segment_definitions/${segment.id}`)).query).toEqual(f('name', '=', 'cat'));
    });

    it('reads a query in the Intercom-Version it is defined in, whatever version searches on it later', async () => {
      const phone = f('formatted_phone', '=', '+15550001');
      expect((await define({ name: 'By phone (2.11)', query: phone })).status).toBe(400);
      const segment = await me.ok.post('/segment_definitions', { name: 'By phone', query: phone }, version('2.16'));
      expect(segment.intercom_version).toBe('2.16');
      expect(await searchNames(f('segment_id', '=', segment.id))).toEqual(['ann']);
    });

    it('holds at most 100 segments per workspace', async () => {
      const ws = api(t).as(await t.newWorkspace('full'));
      for (let i = 0; i < 100; i++) await ws.ok.post('/segment_definitions', { name: `S${i}`, query: f('name', '=', `n${i}`) });
      const res = await ws.post('/segment_definitions', { name: 'S100', query: f('name', '=', 'n') });
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', message: expect.stringContaining('at most 100 segments') });
      expect((await ws.ok.get('/segments')).segments).toHaveLength(100);
    });

    it('npm run cli -- segments create / list / delete define segments as the HTTP route does', async () => {
      const env = { DATABASE_URL: inject('databaseUrl') };
      const created = (await runCli(['segments', 'create', '--workspace', workspaceId, '--name', 'From the CLI', '--query', JSON.stringify(f('email_domain', '=', 'example.com'))], env)) as Json;
      expect(created).toMatchObject({ type: 'segment_definition', name: 'From the CLI', person_type: 'user', intercom_version: '2.11' });
      expect(await searchNames(f('segment_id', '=', created.id))).toEqual(['ann', 'eve']);
      const listed = (await runCli(['segments', 'list', '--workspace', workspaceId], env)) as Json[];
      expect(listed.map((segment) => segment.id)).toContain(created.id);
      const leads = (await runCli(['segments', 'create', '--workspace', workspaceId, '--name', 'CLI leads', '--person-type', 'contact', '--version', '2.14', '--query', JSON.stringify(f('custom_attributes.plan', '=', 'pro'))], env)) as Json;
      expect(leads).toMatchObject({ person_type: 'contact', intercom_version: '2.14' });
      await expect(runCli(['segments', 'create', '--workspace', workspaceId, '--name', 'x', '--query', '{not json'], env)).rejects.toBeInstanceOf(UsageError);
      await expect(runCli(['segments', 'create', '--workspace', workspaceId, '--name', 'x'], env)).rejects.toBeInstanceOf(UsageError);
      await expect(runCli(['segments', 'create', '--workspace', 'nope', '--name', 'x', '--query', '{}'], env)).rejects.toThrow(/no workspace/);
      await expect(runCli(['segments', 'create', '--workspace', workspaceId, '--name', 'x', '--query', JSON.stringify(f('nope', '=', 1))], env)).rejects.toThrow(/not a searchable contact field/);
      const deleted = (await runCli(['segments', 'delete', '--workspace', workspaceId, '--id', leads.id], env)) as Json;
      expect(deleted).toMatchObject({ id: leads.id, deleted: true });
      expect((await me.get(`/segments/${leads.id}`)).status).toBe(404);
    });
  });

  describe('members', () => {
    let pro: Json;
    let proLeads: Json;
    let vipOrBig: Json;

    beforeAll(async () => {
      pro = await me.ok.post('/segment_definitions', { name: 'Members: pro', query: f('custom_attributes.plan', '=', 'pro') });
      proLeads = await me.ok.post('/segment_definitions', { name: 'Members: pro leads', person_type: 'contact', query: f('custom_attributes.plan', '=', 'pro') });
      vipOrBig = await me.ok.post('/segment_definitions', {
        name: 'Members: VIP or big',
        query: { operator: 'OR', value: [f('tag_id', '=', vip.id), { operator: 'AND', value: [f('custom_attributes.seats', '>', 5), f('email', '$', '@example.com')] }] },
      });
    });

    it('GET /segments?include_count=true counts each segment with the search (archived contacts are in none)', async () => {
      const counted = await me.ok.get('/segments?include_count=true');
      const count = (id: string) => counted.segments.find((segment: Json) => segment.id === id);
      expect(Object.keys(count(pro.id))).toEqual([...SEGMENT_KEYS, 'count']);
      expect([count(pro.id).count, count(proLeads.id).count, count(vipOrBig.id).count]).toEqual([1, 1, 2]);
      expect(count(proLeads.id).person_type).toBe('contact');
      expect((await me.ok.get('/segments?include_count=false')).segments.every((segment: Json) => !('count' in segment))).toBe(true);
      const bad = await me.get('/segments?include_count=maybe');
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'include_count' });
    });

    it('GET /contacts/{id}/segments lists the segments whose query the contact matches, and 404 for unknown contacts', async () => {
      const of = async (name: string) => (await me.ok.contacts.segments(people[name].id)).data.map((segment: Json) => segment.name).filter((n: string) => n.startsWith('Members')).sort();
      const ann = await me.ok.contacts.segments(people.ann.id);
      expect(ann.type).toBe('list');
      expect(Object.keys(ann.data[0])).toEqual(SEGMENT_KEYS);
      expect(await of('ann')).toEqual(['Members: pro', 'Members: VIP or big'].sort());
      expect(await of('bob')).toEqual([]);
      expect(await of('cat')).toEqual(['Members: pro leads']);
      expect(await of('dan')).toEqual([]);
      expect(await of('eve')).toEqual(['Members: VIP or big']);
      for (const id of ['650cbc286d0a728750658b15', (await them.ok.contacts.create({ role: 'lead' })).id]) {
        const res = await me.contacts.segments(id);
        expect(res.status).toBe(404);
        expect(res.body).toEqual(error([{ code: 'not_found', message: 'User Not Found' }]));
      }
    });

    it('follows the contacts: a change to a contact changes its segments at once', async () => {
      await me.ok.contacts.update(people.bob.id, { custom_attributes: { plan: 'pro' } });
      expect((await me.ok.contacts.segments(people.bob.id)).data.map((segment: Json) => segment.id)).toContain(pro.id);
      expect(await searchNames(f('segment_id', '=', pro.id))).toEqual(['ann', 'bob']);
      await me.ok.contacts.update(people.bob.id, { custom_attributes: { plan: 'free' } });
      expect(await searchNames(f('segment_id', '=', pro.id))).toEqual(['ann']);
    });

    it('a search on segment_id answers what its inlined query answers, for =, !=, IN, NIN and inside groups', async () => {
      const inlined = (segment: Json, role = 'user') => ({ operator: 'AND', value: [f('role', '=', role), segment.query ?? null] });
      for (const [segment, role] of [[pro, 'user'], [proLeads, 'lead']] as const) {
        const definition = await me.ok.get(`/segment_definitions/${segment.id}`);
        expect(await searchNames(f('segment_id', '=', segment.id))).toEqual(await searchNames(inlined(definition, role)));
      }
      const vipDefinition = await me.ok.get(`/segment_definitions/${vipOrBig.id}`);
      const vipMembers = await searchNames(f('segment_id', '=', vipOrBig.id));
      expect(vipMembers).toEqual(['ann', 'eve']);
      // The definition is two levels deep already: the same query with the role inside its OR's branches.
      const spelled = { operator: 'OR', value: [{ operator: 'AND', value: [f('role', '=', 'user'), f('tag_id', '=', vip.id)] }, { operator: 'AND', value: [f('role', '=', 'user'), ...vipDefinition.query.value[1].value] }] };
      expect(vipMembers).toEqual(await searchNames(spelled));
      const everyone = await searchNames(f('name', '!=', ''));
      expect(await searchNames(f('segment_id', '!=', pro.id))).toEqual(everyone.filter((name: string) => name !== 'ann'));
      expect(await searchNames(f('segment_id', 'IN', [pro.id, proLeads.id]))).toEqual(['ann', 'cat']);
      expect(await searchNames(f('segment_id', 'NIN', [pro.id, vipOrBig.id]))).toEqual(everyone.filter((name: string) => !['ann', 'eve'].includes(name)));
      expect(await searchNames({ operator: 'OR', value: [f('name', '=', 'bob'), { operator: 'AND', value: [f('segment_id', '=', vipOrBig.id), f('name', '^', 'e')] }] })).toEqual(['bob', 'eve']);
      expect(await searchNames(f('segment_id', '=', '650cbc286d0a728750658b15'))).toEqual([]);
      const res = await me.contacts.search({ query: f('segment_id', '~', pro.id) });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].code).toBe('parameter_invalid');
      // Another workspace's search does not see my segment.
      expect((await them.ok.contacts.search({ query: f('segment_id', '=', pro.id) })).total_count).toBe(0);
    });

    it('a segment whose data attribute is archived has no members, with no error, until the attribute is back', async () => {
      const ws = api(t).as(await t.newWorkspace('archiving'));
      const attribute = await ws.ok.dataAttributes.define('tier', 'string');
      const contact = await ws.ok.contacts.create({ email: 'tier@example.com', custom_attributes: { tier: 'gold' } });
      const segment = await ws.ok.post('/segment_definitions', { name: 'Gold', query: f('custom_attributes.tier', '=', 'gold') });
      const members = async () => ({
        count: (await ws.ok.get('/segments?include_count=true')).segments[0].count,
        of: (await ws.ok.contacts.segments(contact.id)).data.length,
        search: (await ws.ok.contacts.search({ query: f('segment_id', '=', segment.id) })).total_count,
      });
      expect(await members()).toEqual({ count: 1, of: 1, search: 1 });
      await ws.ok.put(`/data_attributes/${attribute.id}`, { archived: true });
      expect(await members()).toEqual({ count: 0, of: 0, search: 0 });
      await ws.ok.put(`/data_attributes/${attribute.id}`, { archived: false });
      expect(await members()).toEqual({ count: 1, of: 1, search: 1 });
    });

    it('a deleted segment matches nobody and is gone from the lists', async () => {
      const segment = await me.ok.post('/segment_definitions', { name: 'Short-lived', query: f('name', '=', 'ann') });
      expect(await searchNames(f('segment_id', '=', segment.id))).toEqual(['ann']);
      const deleted = await me.delete(`/segment_definitions/${segment.id}`);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ id: segment.id, deleted: true });
      expect(await searchNames(f('segment_id', '=', segment.id))).toEqual([]);
      expect((await me.ok.get('/segments')).segments.map((listed: Json) => listed.id)).not.toContain(segment.id);
    });
  });
});
