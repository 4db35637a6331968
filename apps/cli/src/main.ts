import { Command, CommanderError } from 'commander';
import { isAppError } from '@tradingbot/core';
import { commands } from './commands/index.ts';
import { CliUsageError, EXIT_USAGE, EXIT_FAILURE } from './cli-error.ts';

export function buildProgram(): Command {
  const program = new Command('tradingbot')
    .description(
      'TradingBot AI — backtest strategies, export Pine Script, run the webhook server and exchange simulators',
    )
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.trim().split('\n')[0] + '\n') });
  for (const register of commands) register(program);
  for (const sub of program.commands) sub.exitOverride();
  return program;
}

/** Runs the CLI and returns the process exit code: 0 success, 2 bad input, 1 anything else. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its one-line message (help and --version exit 0).
    return error.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  if (error instanceof CliUsageError) {
    process.stderr.write(`tradingbot: error: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (isAppError(error)) {
    process.stderr.write(`tradingbot: error: ${error.message} [${error.code}]\n`);
    return error.status < 500 ? EXIT_USAGE : EXIT_FAILURE;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`tradingbot: unexpected failure: ${message}\n`);
  if (process.env.DEBUG) console.error(error);
  return EXIT_FAILURE;
}
