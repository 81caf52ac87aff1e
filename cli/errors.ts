// An error meant for the person at the terminal: printed as one line, with an exit status.
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    // Extra lines printed after the message (for example a plugin's own log lines).
    readonly details: string[] = [],
  ) {
    super(message);
  }
}
