import type { DataType } from '../domain/contact.state.js';

/** A data attribute as Intercom describes it: a standard one, or a custom one of the workspace's catalog. */
export interface DataAttribute {
  id?: number;
  name: string;
  /** Where it differs from the name: `plan.name`, `plan.id`, or `custom_attributes.<name>` for a custom one. */
  full_name?: string;
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

type Flags = Partial<Pick<DataAttribute, 'api_writable' | 'messenger_writable' | 'full_name'>>;

const standard = (model: DataAttribute['model'], name: string, label: string, data_type: DataType, description: string, flags: Flags = {}): DataAttribute => ({
  name, ...(flags.full_name ? { full_name: flags.full_name } : {}), label, description, data_type, options: null,
  api_writable: flags.api_writable ?? true, ui_writable: false, messenger_writable: flags.messenger_writable ?? false,
  custom: false, archived: false, model,
});

const company = (name: string, label: string, data_type: DataType, description: string, flags: Flags = {}) =>
  standard('company', name, label, data_type, description, { messenger_writable: true, ...flags });

/**
 * Intercom's own attributes: their names cannot be taken by custom ones. The descriptions are the documented ones: for
 * contacts the contact schema's description of each field (2.14), for companies the list of GET /data_attributes's
 * example, which documents every standard company attribute, its label and its flags, in this order.
 */
export const STANDARD_ATTRIBUTES: DataAttribute[] = [
  standard('contact', 'name', 'Name', 'string', 'The contacts name.'),
  standard('contact', 'email', 'Email', 'string', "The contact's email."),
  standard('contact', 'phone', 'Phone', 'string', 'The contacts phone.'),
  standard('contact', 'external_id', 'User ID', 'string', 'The unique identifier for the contact which is provided by the Client.'),
  standard('contact', 'role', 'Role', 'string', 'The role of the contact.'),
  standard('contact', 'avatar', 'Avatar', 'string', 'An image URL containing the avatar of a contact.'),
  standard('contact', 'owner_id', 'Owner', 'integer', 'The id of an admin that has been assigned account ownership of the contact.'),
  standard('contact', 'signed_up_at', 'Signed up', 'date', '(Unix timestamp in seconds) The time specified for when a contact signed up.'),
  standard('contact', 'last_seen_at', 'Last seen', 'date',
    '(Unix timestamp in seconds) The time when the contact was last seen (either where the Intercom Messenger was installed or when specified manually).'),
  standard('contact', 'unsubscribed_from_emails', 'Unsubscribed from emails', 'boolean', 'Whether the contact is unsubscribed from emails.'),
  standard('contact', 'created_at', 'First seen', 'date', '(Unix timestamp in seconds) The time when the contact was created.', { api_writable: false }),
  standard('contact', 'updated_at', 'Last updated', 'date', '(Unix timestamp in seconds) The time when the contact was last updated.', { api_writable: false }),
  company('name', 'Company name', 'string', 'The name of a company'),
  company('company_id', 'Company ID', 'string', 'A number identifying a company', { api_writable: false }),
  company('last_request_at', 'Company last seen', 'date', 'The last day anyone from a company visited your site or app', { api_writable: false }),
  company('remote_created_at', 'Company created at', 'date', 'The day a company was added to Intercom'),
  company('user_count', 'People', 'integer', 'The number of people in a company', { api_writable: false }),
  company('session_count', 'Company web sessions', 'integer', "All visits from anyone in a company to your product's site or app", { api_writable: false }),
  company('name', 'Plan', 'string', 'A specific plan or level within your product that companies have signed up to', { api_writable: false, full_name: 'plan.name' }),
  company('monthly_spend', 'Monthly Spend', 'float', 'The monthly revenue you receive from a company'),
  company('size', 'Company size', 'integer', 'The number of people employed in this company, expressed as a single number'),
  company('industry', 'Company industry', 'string', "The category or domain this company belongs to e.g. 'ecommerce' or 'SaaS'"),
  company('website', 'Company website', 'string', "The web address for the company's primary marketing site"),
  company('id', 'ID', 'string', 'The Intercom defined id representing the company', { api_writable: false }),
  company('created_at', 'Created at', 'date', 'The time the company was added to Intercom', { api_writable: false }),
  company('updated_at', 'Updated at', 'date', 'The last time the company was updated', { api_writable: false }),
  company('id', 'Plan ID', 'string', 'The Intercom defined id representing the plan', { api_writable: false, full_name: 'plan.id' }),
  company('app_id', 'App ID', 'string', 'The Intercom defined id representing the app', { api_writable: false }),
];

/** A custom attribute may not take a standard one's name, nor the first part of its full name (`plan`). */
export const isStandardName = (model: DataAttribute['model'], name: string): boolean =>
  STANDARD_ATTRIBUTES.some((a) => a.model === model && [a.name, (a.full_name ?? a.name).split('.')[0]].includes(name.toLowerCase()));
