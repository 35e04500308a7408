/** The answers every read route may give, for describeRoute({ responses }). */
export const READ_RESPONSES = {
  200: { description: 'OK' },
  401: { description: 'No or unknown credentials' },
  403: { description: 'The role lacks the permission (named in the message)' },
  404: { description: 'No such resource' },
};

/** The answers every JSON write route may give. */
export const WRITE_RESPONSES = {
  ...READ_RESPONSES,
  400: { description: 'Invalid input; the message names the field' },
  409: { description: 'A rule refuses the change, or the version sent is stale (error.code says which)' },
  415: { description: 'The body is not application/json' },
};
