import { defineErrors } from '@tradingbot/core';

/** Errors of the Pine exporter, its checker and its interpreter. */
export const PineErrors = defineErrors({
  INVALID_EXPORT_OPTIONS: { status: 400, message: 'Invalid Pine export options' },
  PINE_SYNTAX_ERROR: { status: 422, message: 'The Pine script does not parse' },
  PINE_RUNTIME_ERROR: { status: 422, message: 'The Pine script stopped with a runtime error' },
  PINE_UNSUPPORTED: {
    status: 422,
    message: 'The Pine script uses something the interpreter does not support',
  },
});
