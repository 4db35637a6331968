import { hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { ServerErrors } from '../errors.ts';

/**
 * Password hashing (argon2id, the library's defaults) behind one object, so every path that must
 * cost the same work (registration of a new or a taken email, sign-in of a known or unknown email)
 * visibly calls the same function, and a test can count the calls.
 */
export const passwordHasher = {
  hash: (password: string): Promise<string> => hash(password),
  verify: (passwordHash: string, password: string): Promise<boolean> => verify(passwordHash, password),
};

let dummyHash: Promise<string> | null = null;

/** Verifies against the user's hash, or against a throwaway hash when there is no user (same cost). */
export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  if (passwordHash) return passwordHasher.verify(passwordHash, password);
  dummyHash ??= passwordHasher.hash('not-a-real-password');
  await passwordHasher.verify(await dummyHash, password);
  return false;
}

export const MIN_PASSWORD_LENGTH = 10;
/** zxcvbn's 0–4 scale; 3 = "safely unguessable: moderate protection from offline slow-hash scenario". */
export const MIN_PASSWORD_SCORE = 3;

/**
 * zxcvbn-ts with its common (passwords, names) and English dictionaries. There is no Korean
 * language package for zxcvbn-ts on npm (checked 2026-12), so Korean users get the common lists,
 * which hold the passwords leaked worldwide, Korean ones included, and keyboard patterns.
 */
const strength = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
});

export type PasswordFeedback = { score: number; warning: string | null; suggestions: string[] };

/** Refuses short or guessable passwords (WEAK_PASSWORD, with zxcvbn's feedback in the details). */
export function assertStrongPassword(password: string, userInputs: string[] = []): void {
  const result = strength.check(
    password.slice(0, 256),
    userInputs.filter((input) => input.length > 0),
  );
  if (password.length >= MIN_PASSWORD_LENGTH && result.score >= MIN_PASSWORD_SCORE) return;
  const feedback: PasswordFeedback = {
    score: result.score,
    warning: result.feedback.warning,
    suggestions: result.feedback.suggestions,
  };
  throw ServerErrors.create('WEAK_PASSWORD', {
    message:
      password.length < MIN_PASSWORD_LENGTH
        ? `The password must be at least ${MIN_PASSWORD_LENGTH} characters`
        : 'The password is too easy to guess',
    details: { min_length: MIN_PASSWORD_LENGTH, min_score: MIN_PASSWORD_SCORE, ...feedback },
  });
}
