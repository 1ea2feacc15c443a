import type { DataType } from '../domain/contact.state.js';

/** A data attribute as Intercom describes it: a standard one, or a custom one of the workspace's catalog. */
export interface DataAttribute {
  id?: number;
  name: string;
  label: string;
  description: string | null;
  data_type: DataType;
  options: string[] | null;
  api_writable: boolean;
  ui_writable: boolean;
  messenger_writable: boolean;
  custom: boolean;
  archived: boolean;
  admin_id?: string | null;
  created_at?: number;
  updated_at?: number;
  model: 'contact' | 'company';
}

const standard = (model: DataAttribute['model'], name: string, label: string, data_type: DataType, api_writable = true): DataAttribute => ({
  name, label, description: null, data_type, options: null, api_writable, ui_writable: false, messenger_writable: false,
  custom: false, archived: false, model,
});

/** Intercom's own attributes: their names cannot be taken by custom ones. */
export const STANDARD_ATTRIBUTES: DataAttribute[] = [
  standard('contact', 'name', 'Name', 'string'),
  standard('contact', 'email', 'Email', 'string'),
  standard('contact', 'phone', 'Phone', 'string'),
  standard('contact', 'external_id', 'User ID', 'string'),
  standard('contact', 'role', 'Role', 'string'),
  standard('contact', 'avatar', 'Avatar', 'string'),
  standard('contact', 'owner_id', 'Owner', 'integer'),
  standard('contact', 'signed_up_at', 'Signed up', 'date'),
  standard('contact', 'last_seen_at', 'Last seen', 'date'),
  standard('contact', 'unsubscribed_from_emails', 'Unsubscribed from emails', 'boolean'),
  standard('contact', 'created_at', 'First seen', 'date', false),
  standard('contact', 'updated_at', 'Last updated', 'date', false),
  standard('company', 'name', 'Company name', 'string'),
  standard('company', 'company_id', 'Company ID', 'string'),
  standard('company', 'plan', 'Plan', 'string'),
  standard('company', 'monthly_spend', 'Monthly spend', 'float'),
];
