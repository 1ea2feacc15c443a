import type { DataAttribute } from './standard-attributes.js';

/** Intercom's data_attribute object; standard attributes carry no id, admin or times. */
export const renderDataAttribute = (a: DataAttribute) => ({
  ...(a.id !== undefined ? { id: a.id } : {}),
  type: 'data_attribute',
  name: a.name,
  full_name: a.custom ? `custom_attributes.${a.name}` : (a.full_name ?? a.name),
  label: a.label,
  description: a.description,
  data_type: a.data_type,
  ...(a.options ? { options: a.options } : {}),
  api_writable: a.api_writable,
  ui_writable: a.ui_writable,
  messenger_writable: a.messenger_writable,
  custom: a.custom,
  archived: a.archived,
  ...(a.custom ? { admin_id: a.admin_id ?? null, created_at: a.created_at, updated_at: a.updated_at } : {}),
  model: a.model,
});
