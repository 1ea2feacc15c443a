import { IntercomError, LIMITS, ParameterInvalidError } from '@app/intercom';

export class CompanyNotFoundError extends IntercomError {
  constructor() {
    super('company_not_found', 404, 'Company Not Found');
  }
}

export class CompanyNotSpecifiedError extends IntercomError {
  constructor() {
    super('parameter_not_found', 400, 'company not specified');
  }
}

export class CompanyAttributeLimitError extends ParameterInvalidError {
  constructor(count: number) {
    super(`A company can hold at most ${LIMITS.customAttributesPerObject} custom attributes; this change would leave it with ${count}`, 'custom_attributes');
  }
}

/** Retries ran out against concurrent writers of the same company. */
export class CompanyBusyError extends IntercomError {
  constructor() {
    super('conflict', 409, 'The company was changed by concurrent requests; retry the request');
  }
}

/** The company holds LIMITS.notesPerCompany notes already. */
export class CompanyNoteLimitError extends IntercomError {
  constructor() {
    super('parameter_invalid', 400, `A company can hold at most ${LIMITS.notesPerCompany} notes`);
  }
}
