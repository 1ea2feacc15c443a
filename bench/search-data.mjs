// What the list/search workspaces hold: deterministic contacts with a value in every searchable field, so that every
// filter of the search DSL meets realistic data. Bump SEED_VERSION whenever what contactInput returns changes: a
// kept search database (BENCH_SEARCH_KEEP=1) seeded by another version is then seeded afresh.
export const SEED_VERSION = 2;

/** custom_attributes.plan: a string attribute with a few values, skewed as plans are. */
export const PLAN_SHARES = { free: 0.55, starter: 0.25, pro: 0.15, enterprise: 0.05 };
export const SEATS_MAX = 1000;
/** The workspace's contact data attributes, one of every type the search compiler handles. */
export const DATA_ATTRIBUTES = { plan: 'string', seats: 'integer', score: 'float', vip: 'boolean', renewal_at: 'date' };
export const TAG_NAME = 'bench-tagged';
export const ADMINS = 5;
const LEAD_SHARE = 0.1;
// Contacts are spread over about two years of creation times, whatever their number.
const SPAN_SECONDS = 2 * 365 * 86_400;
const DAY = 86_400;

const FIRST = ('olivia liam emma noah amelia oliver ava elijah sophia james isabella william mia benjamin charlotte lucas harper ' +
  'henry evelyn theodore luna jack camila levi gianna alexander elizabeth jackson eleanor mateo ella daniel abigail michael ' +
  'sofia mason avery sebastian scarlett ethan emily logan aria owen penelope samuel chloe jacob layla asher mila aiden nora').split(' ');
const LAST = ('smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson anderson ' +
  'thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker young allen king ' +
  'wright scott torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter roberts').split(' ');
const COMPANIES = ('acme globex initech umbrella hooli vandelay stark wayne wonka tyrell cyberdyne soylent massive aperture ' +
  'gringotts oscorp monarch pied piper dunder').split(' ');
const FREE_MAIL = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com'];
const TLDS = ['com', 'io', 'net', 'co.uk', 'de'];
const AREA_CODES = ['415', '212', '646', '312', '617', '206', '512', '303'];

/** A small seeded generator, so every run seeds the same data (ids aside). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The contacts of a workspace of `count`, in creation order, one at a time (1M of them do not fit in memory at once). */
export function contactInputs(count, { now, admins = [] }) {
  const random = prng(20_251_127);
  const first = now - SPAN_SECONDS;
  const step = SPAN_SECONDS / count;
  let i = 0;
  return () => {
    const createdAt = Math.floor(first + i * step);
    const input = contactInput(i, random, { createdAt, now, admins });
    i++;
    return { createdAt, ...input };
  };
}

function contactInput(i, random, { createdAt, now, admins }) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const share = (p) => random() < p;
  const firstName = pick(FIRST);
  const last = pick(LAST);
  const domain = share(0.4) ? pick(FREE_MAIL) : `${pick(COMPANIES)}${Math.floor(random() * 50)}.${pick(TLDS)}`;
  const lead = share(LEAD_SHARE);
  const signedUp = !lead && share(0.9) ? createdAt + Math.floor(random() * 3 * DAY) : null;
  const input = {
    role: lead ? 'lead' : 'user',
    // The index keeps emails unique among users, as the service requires.
    email: `${firstName}.${last}${i}@${domain}`,
    external_id: lead ? null : `cus_${i.toString(36).padStart(4, '0')}${Math.floor(random() * 0xffff).toString(16).padStart(4, '0')}`,
    name: `${firstName[0].toUpperCase()}${firstName.slice(1)} ${last[0].toUpperCase()}${last.slice(1)}`,
    phone: share(0.5) ? `+1${pick(AREA_CODES)}${String(1_000_000 + ((i * 7919) % 9_000_000)).padStart(7, '0')}` : null,
    avatar: share(0.3) ? `https://avatars.example.com/${i.toString(36)}.png` : null,
    signed_up_at: signedUp,
    last_seen_at: share(0.8) ? Math.min(now, (signedUp ?? createdAt) + Math.floor(random() * 120 * DAY)) : null,
    unsubscribed_from_emails: share(0.03),
    custom_attributes: customAttributes(random, share, now),
  };
  // Both draws are made either way, so the sequence (and every later contact) does not depend on the admins.
  const owned = share(0.2);
  const owner = Math.floor(random() * ADMINS);
  if (owned && admins.length) input.owner_id = admins[owner % admins.length];
  return { input, tagged: share(0.1) };
}

function customAttributes(random, share, now) {
  let plan = 'free';
  for (let r = random(), acc = 0, k = 0, names = Object.keys(PLAN_SHARES); k < names.length; k++) {
    acc += PLAN_SHARES[names[k]];
    if (r < acc) {
      plan = names[k];
      break;
    }
  }
  const custom = { plan, vip: share(0.05) };
  if (share(0.8)) custom.seats = 1 + Math.floor(random() * SEATS_MAX);
  if (share(0.7)) custom.score = Math.round(random() * 10_000) / 100;
  // A date attribute holds Unix seconds; renewals fall on a day within the coming year.
  if (share(0.5)) custom.renewal_at = (Math.floor(now / DAY) + 1 + Math.floor(random() * 365)) * DAY;
  return custom;
}

/** Every `count / size`-th value of a list being built, so the scenarios draw from all of the workspace. */
export function sampler(count, size = 20_000) {
  const every = Math.max(1, Math.floor(count / size));
  const values = [];
  return { add: (i, value) => i % every === 0 && value !== null && values.push(value), values };
}
