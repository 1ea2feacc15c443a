/** Domain errors carry Intercom's error code; the HTTP layer maps codes to statuses. */
export abstract class ContactError extends Error {
  abstract readonly code: string;
  readonly field?: string;
}

export class ContactNotFoundError extends ContactError {
  readonly code = 'not_found';
  constructor() {
    super('User Not Found');
  }
}

export class UserToLeadError extends ContactError {
  readonly code = 'client_error';
  constructor() {
    super("Contact with user role can't be converted to a lead");
  }
}

export class OwnerNotAdminError extends ContactError {
  readonly code = 'parameter_invalid';
  override readonly field = 'owner_id';
  constructor() {
    super('The owner specified is not a member of the workspace');
  }
}

/** A note's author that is not an admin of the workspace: Intercom answers 404 here, unlike owner_id's 400. */
export class NoteAuthorNotFoundError extends ContactError {
  readonly code = 'not_found';
  constructor() {
    super('Resource Not Found');
  }
}

export class SubscriptionTypeNotFoundError extends ContactError {
  readonly code = 'not_found';
  constructor() {
    super('Resource Not Found');
  }
}

export class UnknownCustomAttributeError extends ContactError {
  readonly code = 'parameter_invalid';
  override readonly field: string;
  constructor(name: string) {
    super(`Custom attribute '${name}' does not exist`);
    this.field = `custom_attributes.${name}`;
  }
}

export class CustomAttributeTypeError extends ContactError {
  readonly code = 'parameter_invalid';
  override readonly field: string;
  constructor(name: string, dataType: string) {
    super(`Custom attribute '${name}' must be of type ${dataType}`);
    this.field = `custom_attributes.${name}`;
  }
}

export class ContactIdentityMissingError extends ContactError {
  readonly code = 'parameter_invalid';
  constructor() {
    super('A contact needs at least one of email, external_id or role');
  }
}

export class ContactConflictError extends ContactError {
  readonly code = 'conflict';
  constructor(existingId: string, archived: boolean) {
    super(`${archived ? 'An archived contact' : 'A contact'} matching those details already exists with id=${existingId}`);
  }
}

/** Retries ran out against concurrent writers of the same contact. */
export class ContactBusyError extends ContactError {
  readonly code = 'conflict';
  constructor() {
    super('The contact was changed by concurrent requests; retry the request');
  }
}

export class InvalidMergeError extends ContactError {
  readonly code = 'client_error';
}

/** 2.16: only duplicates merge unless the caller says skip_duplicate_validation. */
export class NotDuplicatesError extends ContactError {
  readonly code = 'invalid_merge';
  constructor() {
    super('Contacts can only be merged when they are duplicates (matching email or phone). Pass skip_duplicate_validation=true to override this check.');
  }
}

/** 2.16: a merged-away contact answers 410 with a Link to the contact it lives on in. */
export class ContactMergedError extends ContactError {
  readonly code = 'contact_merged';
  constructor(readonly canonicalId: string) {
    super("This contact has been merged. See the 'Link' header for the canonical contact.");
  }
}

export class CompanyLimitExceededError extends ContactError {
  readonly code = 'contact_company_limit_exceeded';
  constructor(max: number) {
    super(`Contact has reached the maximum of ${max} company associations`);
  }
}
