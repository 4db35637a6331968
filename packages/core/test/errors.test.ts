import { describe, expect, it } from 'vitest';
import { AppError, defineErrors, isAppError } from '../src/index.ts';

describe('defineErrors', () => {
  const Errors = defineErrors({
    BAD_THING: { status: 400, message: 'The thing is bad' },
    MISSING_THING: { status: 404, message: 'No such thing' },
  });

  it('creates an AppError carrying code, status and the default message', () => {
    const error = Errors.create('BAD_THING');
    expect(error).toBeInstanceOf(AppError);
    expect(isAppError(error)).toBe(true);
    expect([error.code, error.status, error.message]).toEqual(['BAD_THING', 400, 'The thing is bad']);
    expect(error.toJSON()).toEqual({ code: 'BAD_THING', message: 'The thing is bad' });
  });

  it('lets a specific message and details override the defaults', () => {
    const error = Errors.create('MISSING_THING', { message: 'No thing 7', details: { id: 7 } });
    expect(error.toJSON()).toEqual({ code: 'MISSING_THING', message: 'No thing 7', details: { id: 7 } });
  });

  it('recognises its own codes only', () => {
    const other = new AppError('ELSEWHERE', 500, 'x');
    expect(Errors.is(Errors.create('BAD_THING'))).toBe(true);
    expect(Errors.is(Errors.create('BAD_THING'), 'MISSING_THING')).toBe(false);
    expect(Errors.is(other)).toBe(false);
    expect(Errors.is(new Error('plain'))).toBe(false);
  });

  it('refuses a code outside the table', () => {
    // @ts-expect-error: the type system refuses it too.
    expect(() => Errors.create('NOPE')).toThrow(TypeError);
  });
});
