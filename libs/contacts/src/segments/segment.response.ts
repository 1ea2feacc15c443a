import type { Segment } from './segment-catalog.repository.js';

/** Intercom's segment object, field for field; `count` only with include_count=true. */
export const renderSegment = (segment: Segment, count?: number) => ({
  type: 'segment' as const,
  id: segment.id,
  name: segment.name,
  created_at: segment.createdAt,
  updated_at: segment.updatedAt,
  person_type: segment.personType,
  ...(count === undefined ? {} : { count }),
});

/** GET /segments: Intercom's segment.list, all in one (a workspace holds at most LIMITS.segmentsPerWorkspace), no pages. */
export const renderSegmentList = (items: { segment: Segment; count?: number }[]) => ({
  type: 'segment.list',
  segments: items.map(({ segment, count }) => renderSegment(segment, count)),
});

/** The service's own view of a definition: the segment and what defines it. */
export const renderDefinition = (segment: Segment) => ({
  type: 'segment_definition',
  id: segment.id,
  name: segment.name,
  target: segment.target,
  person_type: segment.personType,
  query: segment.query,
  intercom_version: `2.${segment.version}`,
  created_at: segment.createdAt,
  updated_at: segment.updatedAt,
});
