import { ConfigError } from './config.ts';
import { EmbeddedDatabaseBusyError } from './database/index.ts';
import { DomainError } from './errors.ts';

/** Something the operator can put right (a busy port, a bad argument): shown as its message alone, no stack. */
export class OperatorError extends Error {
  constructor(
    message: string,
    /** The process's exit code: 2 for a command used wrongly, 1 otherwise. */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'OperatorError';
  }
}

/** The listener could not bind: the message names the address and the way out. */
export function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') {
    return new OperatorError(
      `Port ${port} on ${host} is already in use (another Firebreak, or another program). ` +
        'Stop it, or start Firebreak on another port: PORT=8081 npx firebreak serve (PORT=0 picks a free one).',
    );
  }
  if (error.code === 'EACCES') {
    return new OperatorError(`Not allowed to listen on ${host}:${port}. Ports below 1024 need privileges: set PORT to 1024 or above.`);
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    return new OperatorError(`Cannot listen on ${host}: no such address on this machine. Set HOST to one of its addresses, or 0.0.0.0.`);
  }
  return error;
}

/**
 * What to print for an error that ends the process, and its exit code: the message alone for errors the
 * operator can fix, the whole error (with its stack) for a bug.
 */
export function describeFatalError(error: unknown): { text: string; exitCode: number } {
  if (error instanceof OperatorError) return { text: error.message, exitCode: error.exitCode };
  if (error instanceof ConfigError || error instanceof EmbeddedDatabaseBusyError || error instanceof DomainError)
    return { text: error.message, exitCode: 1 };
  return { text: error instanceof Error ? (error.stack ?? error.message) : String(error), exitCode: 1 };
}
