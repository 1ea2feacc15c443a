// Query plans of the list and search statements, built by the service's own planner and statement builder from the
// build, so that what is explained is what the repository runs.
import { fromDist } from './search-seed.mjs';

const WORKSPACE_ONLY = /^\(*(c\.)?workspace_id = [^()]*\)*$/;
// A seq scan over a table this small (the counter rows of a few workspaces) is what an index would cost too; any
// other seq scan, and every one on contacts or contact_search_values, is a bad plan.
const SMALL_TABLE_PAGES = 100;
const ALWAYS_BAD = new Set(['contacts', 'contact_search_values']);
// Longer than the service's search statement timeout (3 s): a statement that takes this long fails there anyway.
const EXPLAIN_TIMEOUT_MS = 5000;
export const PER_PAGE = 50;

/**
 * The statements the repository issues for a request (`method`, `path`, `body`), as the list and search handlers
 * call the planner (no Intercom-Version header: 2.11, so no sort). Every statement pageStatements returns is kept,
 * whatever its name: `page` and `count` today, more if it grows them.
 */
export async function statementsFor(db, workspaceId, { method, path, body }) {
  const { planSearch } = await fromDist('contacts/src/search/search-plan.js');
  const { mentionsCustomAttributes } = await fromDist('contacts/src/search/search-fields.js');
  const { pageStatements } = await fromDist('contacts/src/search/contact-list.repository.js');
  let pageRequest;
  if (method === 'GET') {
    const params = new URL(path, 'http://bench').searchParams;
    pageRequest = { perPage: Number(params.get('per_page') ?? PER_PAGE), startingAfter: params.get('starting_after') };
  } else {
    pageRequest = { query: body.query, perPage: body.pagination?.per_page ?? PER_PAGE, startingAfter: body.pagination?.starting_after ?? null };
  }
  let attributes = new Map();
  if (mentionsCustomAttributes(body?.query)) {
    const { rows } = await db.query(`SELECT name, data_type FROM data_attributes WHERE workspace_id = $1 AND model = 'contact' AND NOT archived`, [workspaceId]);
    attributes = new Map(rows.map((row) => [row.name, row.data_type]));
  }
  const plan = planSearch({ workspaceId, ...pageRequest, context: { attributes, version: 11 } });
  const statements = Object.entries(pageStatements(plan)).filter(([, s]) => s && typeof s.text === 'string');
  return { path, body, perPage: pageRequest.perPage, statements: Object.fromEntries(statements) };
}

/**
 * EXPLAIN ANALYZE of each statement: its access path, time and bad seq scans. A statement slower than
 * EXPLAIN_TIMEOUT_MS is explained without ANALYZE (no time, `timedOut`), so one bad filter cannot stall the bench.
 */
export async function explainStatements(db, statements) {
  const explained = {};
  for (const [which, statement] of Object.entries(statements)) {
    let root;
    let timedOut = false;
    try {
      await db.query(`SET statement_timeout = ${EXPLAIN_TIMEOUT_MS}`);
      root = (await db.query({ text: `EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`, values: statement.values })).rows[0]['QUERY PLAN'][0];
    } catch (error) {
      if (error.code !== '57014') throw error;
      timedOut = true;
      root = (await db.query({ text: `EXPLAIN (FORMAT JSON) ${statement.text}`, values: statement.values })).rows[0]['QUERY PLAN'][0];
    } finally {
      await db.query('RESET statement_timeout');
    }
    const seqScans = await badSeqScans(db, root.Plan);
    explained[which] = { access: accessPath(root.Plan), ms: timedOut ? null : root['Execution Time'], rowsRead: timedOut ? null : rowsRead(root.Plan), timedOut, seqScans };
  }
  return explained;
}

/** The plan's access path as a short text: scans with their index, sorts, limits, aggregates. */
export function accessPath(node) {
  const parts = [];
  const visit = (n) => {
    const type = n['Node Type'];
    // An index condition on the workspace alone reads every row of the workspace through that index.
    if (n['Index Name']) parts.push(`${type} ${n['Index Name']}${WORKSPACE_ONLY.test(n['Index Cond'] ?? '') ? ' (workspace_id only)' : ''}`);
    else if (type === 'Seq Scan') parts.push(`SEQ SCAN ${n['Relation Name']}`);
    else if (['Bitmap Heap Scan', 'Sort', 'Incremental Sort', 'BitmapAnd', 'BitmapOr'].includes(type)) {
      parts.push(type === 'Sort' ? `Sort (${n['Sort Method'] ?? 'planned'})` : type);
    }
    for (const child of n.Plans ?? []) visit(child);
  };
  visit(node);
  return parts.join(' < ');
}

/** Rows the plan's scans read (kept or filtered out): what grows with the workspace when a filter has no index. */
function rowsRead(node) {
  const own = node['Relation Name'] ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * (node['Actual Loops'] ?? 1) : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child), 0);
}

/** The tables the plan reads with a seq scan, leaving out small ones (see SMALL_TABLE_PAGES). */
async function badSeqScans(db, node) {
  const relations = new Set();
  const visit = (n) => {
    if (n['Node Type'] === 'Seq Scan') relations.add(n['Relation Name']);
    for (const child of n.Plans ?? []) visit(child);
  };
  visit(node);
  const bad = [];
  for (const relation of relations) {
    if (ALWAYS_BAD.has(relation)) bad.push(relation);
    else {
      const { rows } = await db.query('SELECT relpages FROM pg_class WHERE oid = to_regclass($1)', [relation]);
      if ((rows[0]?.relpages ?? 0) >= SMALL_TABLE_PAGES) bad.push(relation);
    }
  }
  return bad;
}
