/** What an erased contact's deliveries keep of their payload: which contact and that it is erased, no value. */
const ERASED_ITEM = (contactId: string) => `jsonb_build_object('type', item->>'type', 'id', ${contactId}, 'erased', true)`;

/**
 * The deliveries about a contact lose their payload and their receiver's error text, and those still pending are
 * dropped: Intercom has no erasure topic, and a notification about an erased contact is not sent. A statement of an
 * append (it reads the `stream` CTE): the erasure's, so that it commits with ContactErased, and run again by the
 * notifier when it meets ContactErased (for deliveries it queued from an event read before the erasure).
 */
export function webhookDeliveriesErasure(workspaceId: string, contactId: string, bind: (value: unknown) => string): string {
  const id = bind(contactId);
  return `UPDATE webhook_deliveries SET item = ${ERASED_ITEM(id)}, last_error = CASE WHEN last_error IS NULL THEN NULL ELSE '[erased]' END,
                 status = CASE status WHEN 'pending' THEN 'dropped' ELSE status END,
                 next_attempt_at = CASE status WHEN 'pending' THEN NULL ELSE next_attempt_at END
           WHERE workspace_id = ${bind(workspaceId)} AND contact_id = ${id} AND NOT (item ? 'erased') AND EXISTS (SELECT 1 FROM stream)`;
}
