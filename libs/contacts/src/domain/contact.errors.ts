import { IntercomError, ParameterInvalidError } from '@app/intercom';

/** The decisions' refusals, each with Intercom's code and status (see @app/intercom's IntercomError). */

export class ContactNotFoundError extends IntercomError {
  constructor() {
    super('not_found', 404, 'User Not Found');
  }
}

export class UserToLeadError extends IntercomError {
  constructor() {
    super('client_error', 400, "Contact with user role can't be converted to a lead");
  }
}

export class OwnerNotAdminError extends ParameterInvalidError {
  constructor() {
    super('The owner specified is not a member of the workspace', 'owner_id');
  }
}

/** A note's author that is not an admin of the workspace: Intercom answers 404 here, unlike owner_id's 400. */
export class NoteAuthorNotFoundError extends IntercomError {
  constructor() {
    super('not_found', 404, 'Resource Not Found');
  }
}

export class UnknownCustomAttributeError extends ParameterInvalidError {
  constructor(name: string) {
    super(`Custom attribute '${name}' does not exist`, `custom_attributes.${name}`);
  }
}

export class CustomAttributeTypeError extends ParameterInvalidError {
  constructor(name: string, dataType: string) {
    super(`Custom attribute '${name}' must be of type ${dataType}`, `custom_attributes.${name}`);
  }
}

/** 2.16: "Must be supplied together with an email in the same request; sending it without an email returns a 400." */
export class EmailVerifiedWithoutEmailError extends ParameterInvalidError {
  constructor() {
    super('email_verified must be supplied together with an email in the same request', 'email_verified');
  }
}

export class ContactIdentityMissingError extends ParameterInvalidError {
  constructor() {
    super('A contact needs at least one of email, external_id or role');
  }
}

export class ContactConflictError extends IntercomError {
  constructor(existingId: string, archived: boolean) {
    super('conflict', 409, `${archived ? 'An archived contact' : 'A contact'} matching those details already exists with id=${existingId}`);
  }
}

/** Retries ran out against concurrent writers of the same contact. */
export class ContactBusyError extends IntercomError {
  constructor() {
    super('conflict', 409, 'The contact was changed by concurrent requests; retry the request');
  }
}

export class InvalidMergeError extends IntercomError {
  constructor(message: string) {
    super('client_error', 400, message);
  }
}

/** 2.16: only duplicates merge unless the caller says skip_duplicate_validation. */
export class NotDuplicatesError extends IntercomError {
  constructor() {
    super(
      'invalid_merge',
      400,
      'Contacts can only be merged when they are duplicates (matching email or phone). Pass skip_duplicate_validation=true to override this check.',
    );
  }
}

/** 2.16: a merged-away contact answers 410 with a Link to the contact it lives on in. */
export class ContactMergedError extends IntercomError {
  constructor(readonly canonicalId: string) {
    super('contact_merged', 410, "This contact has been merged. See the 'Link' header for the canonical contact.", undefined, {
      link: `</contacts/${canonicalId}>; rel="canonical"`,
    });
  }
}

export class CompanyLimitExceededError extends IntercomError {
  constructor(max: number) {
    super('contact_company_limit_exceeded', 400, `Contact has reached the maximum of ${max} company associations`);
  }
}

/** A contact may hold at most so many custom attribute values (LIMITS.customAttributesPerObject). */
export class CustomAttributeLimitError extends ParameterInvalidError {
  constructor(max: number, count: number) {
    super(`A contact can hold at most ${max} custom attributes; this change would leave it with ${count}`, 'custom_attributes');
  }
}

/** The change would record an event larger than the event store takes (MAX_EVENT_BYTES): nothing was written. */
export class ChangeTooLargeError extends IntercomError {
  constructor(bytes: number, limit: number) {
    super('request_too_large', 413, `The change is too large to record: its event would be ${bytes} bytes, over the limit of ${limit} bytes`);
  }
}

/** POST /contacts/{id}/erase named an admin that is not one of the workspace's. */
export class ErasingAdminNotFoundError extends ParameterInvalidError {
  constructor() {
    super('The admin specified is not a member of the workspace', 'admin_id');
  }
}
