import type { Command } from 'commander';
import { migrate } from '@tradingbot/db';
import { loadConfig, loadDotEnv, openConfiguredDatabase, resetPasswordByOperator } from '@tradingbot/server';

/** Reads all of standard input (a password piped in, not typed on the command line). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function registerUser(program: Command): void {
  const user = program.command('user').description("users: the operator's tools");
  user
    .command('reset-password')
    .argument('<email>', "the user's email")
    .option('--password-stdin', 'read the new password from standard input instead of generating one')
    .description(
      "set a new password for a user who forgot theirs (prints a generated one once unless --password-stdin), end the user's sessions and clear the sign-in delay; with the built-in database, stop the server first",
    )
    .action(async (email: string, options: { passwordStdin?: boolean }) => {
      loadDotEnv();
      const config = loadConfig();
      const password = options.passwordStdin ? await readStdin() : undefined;
      const database = await openConfiguredDatabase(config);
      try {
        // The tables as this version knows them (a no-op when the server already migrated them).
        await migrate(database);
        const reset = await resetPasswordByOperator(database, { email, password });
        process.stdout.write(
          `password of ${reset.email} reset; ${reset.sessionsEnded} session(s) ended\n` +
            (reset.generated
              ? `temporary password (shown once): ${reset.password}\n` +
                'give it to the user privately; they should change it on the Security page after signing in\n'
              : ''),
        );
      } finally {
        await database.close();
      }
    });
}
