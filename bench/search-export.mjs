// The export scenario: one client, one request at a time, pages through a whole workspace at 150 contacts a page,
// as an integration exporting every contact would: GET /contacts following pages.next.starting_after, and
// POST /contacts/search with a broad filter following pagination.starting_after.
export const EXPORT_PER_PAGE = 150;
export const EXPORT_TARGET_PER_SECOND = 20_000;
const BROAD_FILTER = { field: 'role', operator: '=', value: 'user' };

/**
 * Both passes over a workspace of `contacts`, up to `max` contacts each. Every id must come once: a keyset page
 * that repeats or skips rows under a stable workspace is a bug, not noise.
 */
export async function benchExport(request, { contacts, max }) {
  const passes = [
    { name: `export GET /contacts (per_page ${EXPORT_PER_PAGE})`, expected: contacts, page: (after) => request('GET', `/contacts?per_page=${EXPORT_PER_PAGE}${after ? `&starting_after=${after}` : ''}`) },
    {
      name: `export POST /contacts/search role = user (per_page ${EXPORT_PER_PAGE})`,
      expected: null,
      page: (after) => request('POST', '/contacts/search', { query: BROAD_FILTER, pagination: { per_page: EXPORT_PER_PAGE, ...(after ? { starting_after: after } : {}) } }),
    },
  ];
  const results = [];
  for (const pass of passes) {
    console.log(`bench: ${pass.name}: paging through ${max < contacts ? `up to ${max} of ` : ''}the workspace, one request at a time`);
    results.push(await exportPass(pass, max));
  }
  return results;
}

async function exportPass({ name, expected, page }, max) {
  const seen = new Set();
  const pageMs = [];
  let duplicates = 0;
  let after = null;
  let total = null;
  const started = performance.now();
  let failed = null;
  do {
    const requested = performance.now();
    // A page over the service's statement timeout (503) ends the pass: a finding at this size, not a bench failure.
    const answer = await page(after).catch((error) => {
      if (/ answered 503/.test(error.message)) return { failed: error.message.slice(0, 200) };
      throw error;
    });
    if (answer.failed) {
      failed = `page ${pageMs.length + 1}: ${answer.failed}`;
      break;
    }
    const { json } = answer;
    pageMs.push(performance.now() - requested);
    total ??= json.total_count;
    for (const contact of json.data) {
      if (seen.has(contact.id)) duplicates++;
      seen.add(contact.id);
    }
    after = json.pages?.next?.starting_after ?? null;
  } while (after && seen.size < max);
  const seconds = (performance.now() - started) / 1000;
  const complete = after === null && !failed;
  const problems = [];
  if (duplicates) problems.push(`${duplicates} contacts came more than once`);
  const wanted = expected ?? total;
  // Only a complete pass shows missing contacts; a search's total_count may be bounded, so only the list's is exact.
  if (complete && expected !== null && seen.size !== expected) problems.push(`saw ${seen.size} distinct contacts, the workspace holds ${expected}`);
  const contactsSeen = seen.size + duplicates;
  return {
    name,
    contacts: contactsSeen,
    distinct: seen.size,
    expected: wanted,
    complete,
    pages: pageMs.length,
    seconds,
    perSecond: contactsSeen / seconds,
    pageMs: percentiles(pageMs),
    failed,
    problems,
  };
}

function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}
