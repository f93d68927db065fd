// An error the user caused and can fix (bad file, unknown model, no GPU): its message is shown as is,
// never with a stack trace.
export class UserError extends Error {
  readonly userFacing = true;
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

export function isUserError(e: unknown): e is UserError {
  return typeof e === 'object' && e !== null && (e as { userFacing?: boolean }).userFacing === true;
}
