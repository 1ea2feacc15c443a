import { type ApiVersion, supports } from '@app/intercom';
import type { ContactState } from '../domain/contact.state.js';
import type { EmbeddedMergeHistory } from './embedded-merge-history.handler.js';
import type { MergeHistoryItem, MergeHistoryPage } from './get-merge-history.handler.js';

const EMBEDDED = 10;

/** At most ten addressable references, with the true count. */
const refs = (type: string, ids: string[], url: string) => ({
  type: 'list',
  data: ids.slice(0, EMBEDDED).map((id) => ({ type, id, url: `/${type === 'company' ? 'companies' : `${type}s`}/${id}` })),
  url,
  total_count: ids.length,
  has_more: ids.length > EMBEDDED,
});

/**
 * Intercom's contact object, key for key in the order of the documented examples. Fields this
 * service has no source for (devices, location, UTM) are present as null, as Intercom shows them.
 * 2.16 adds `email_verified` (no example shows it: it follows the email it speaks of) and, for a user whose
 * history was asked for (`mergeHistory` from GetEmbeddedMergeHistoryQuery), `merge_history` last, as in the schema.
 */
export function renderContact(c: ContactState, version: ApiVersion, mergeHistory?: EmbeddedMergeHistory): Record<string, unknown> {
  const body: Record<string, unknown> = {
    type: 'contact',
    id: c.id,
    workspace_id: c.workspace_id,
    external_id: c.external_id,
    role: c.role,
    email: c.email,
    ...(supports(version, 'emailVerified') ? { email_verified: c.email_verified ?? null } : {}),
    phone: c.phone,
    name: c.name,
    avatar: c.avatar,
    owner_id: c.owner_id === null || !supports(version, 'ownerIdAsString') ? c.owner_id : String(c.owner_id),
    social_profiles: { type: 'list', data: [] },
    has_hard_bounced: false,
    marked_email_as_spam: false,
    unsubscribed_from_emails: c.unsubscribed_from_emails,
    created_at: c.created_at,
    updated_at: c.updated_at,
    signed_up_at: c.signed_up_at,
    last_seen_at: c.last_seen_at,
    last_replied_at: null,
    last_contacted_at: null,
    last_email_opened_at: null,
    last_email_clicked_at: null,
    language_override: null,
    browser: null,
    browser_version: null,
    browser_language: null,
    os: null,
    location: { type: 'location', country: null, region: null, city: null, country_code: null, continent_code: null },
    android_app_name: null,
    android_app_version: null,
    android_device: null,
    android_os_version: null,
    android_sdk_version: null,
    android_last_seen_at: null,
    ios_app_name: null,
    ios_app_version: null,
    ios_device: null,
    ios_os_version: null,
    ios_sdk_version: null,
    ios_last_seen_at: null,
    custom_attributes: c.custom_attributes,
    tags: refs('tag', c.tag_ids, `/contacts/${c.id}/tags`),
    notes: refs('note', [...c.note_ids].reverse(), `/contacts/${c.id}/notes`),
    companies: refs('company', c.company_ids, `/contacts/${c.id}/companies`),
    opted_out_subscription_types: refs('subscription', c.opted_out_ids, `/contacts/${c.id}/subscriptions`),
    opted_in_subscription_types: refs('subscription', c.opted_in_ids, `/contacts/${c.id}/subscriptions`),
    utm_campaign: null,
    utm_content: null,
    utm_medium: null,
    utm_source: null,
    utm_term: null,
    referrer: null,
  };
  if (supports(version, 'enabledPushMessaging')) body.enabled_push_messaging = null;
  const merges = supports(version, 'embeddedMergeHistory') ? mergeHistory?.get(c.id) : undefined;
  if (merges) body.merge_history = merges.map(renderMergeItem);
  return body;
}

/** The short answers of delete, archive, unarchive and block. */
export const renderDeleted = (c: ContactState) => ({ id: c.id, external_id: c.external_id, type: 'contact', deleted: true });
export const renderArchived = (c: ContactState) => ({ id: c.id, external_id: c.external_id, type: 'contact', archived: c.archived });
export const renderBlocked = (c: ContactState) => ({ type: 'contact', id: c.id, external_id: c.external_id, blocked: c.blocked });

// Only leads merge into users here, so every source was a lead.
const renderMergeItem = (item: MergeHistoryItem) => ({ type: 'merge_history', source_contact_id: item.source_contact_id, source_contact_role: 'lead', merged_at: item.merged_at });

/** Intercom's merge_history list: a keyset page with Intercom's next_cursor and has_more. */
export function renderMergeHistory({ items, next }: MergeHistoryPage) {
  return {
    type: 'list',
    data: items.map(renderMergeItem),
    next_cursor: next,
    has_more: next !== null,
  };
}
