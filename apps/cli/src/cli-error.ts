/** Bad command-line input: reported as one line on stderr with exit code 2, never a stack trace. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;
