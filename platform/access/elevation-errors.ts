import { DomainError } from '../errors.ts';

/** Four eyes: the person who asked for an elevation cannot grant it. */
export class ElevationSelfApprovalError extends DomainError {
  constructor() {
    super('self_approval', 'You asked for this elevation: another admin must approve or refuse it.');
  }
}
