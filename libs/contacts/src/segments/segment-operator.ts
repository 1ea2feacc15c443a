import type pg from 'pg';
import { DecisionContexts } from '../store/decision-context.js';
import { CompanySegmentMembers } from './company-segment-members.repository.js';
import { DefineSegmentCommand, DefineSegmentHandler, type SegmentInput } from './define-segment.handler.js';
import { SegmentCatalog } from './segment-catalog.repository.js';
import { renderDefinition } from './segment.response.js';

/** The CLI's segment commands (`npm run cli -- segments ...`): the same decisions as the HTTP route, on a plain pool. */
export function segmentOperator(pool: pg.Pool) {
  const catalog = new SegmentCatalog(pool);
  const define = new DefineSegmentHandler(catalog, new DecisionContexts(pool), new CompanySegmentMembers(pool));
  return {
    create: async (workspaceId: string, input: SegmentInput) => renderDefinition(await define.execute(new DefineSegmentCommand(workspaceId, input))),
    list: async (workspaceId: string) => (await catalog.list(workspaceId)).map(renderDefinition),
    delete: async (workspaceId: string, id: string) => ({ ...renderDefinition(await catalog.remove(workspaceId, id)), deleted: true }),
  };
}
