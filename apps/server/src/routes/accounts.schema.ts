import { z } from 'zod';
import { nameSchemas } from './schema-registry.ts';

const printable = /^[\x21-\x7e]+$/; // printable ASCII, no spaces

/**
 * Credential formats: Binance HMAC keys and secrets are 64 letters and digits; OKX keys are UUIDs,
 * OKX secrets 32 hex characters, passphrases chosen by the user. The checks are a little wider than
 * today's formats (16–128 letters/digits) so a venue's format change does not lock users out; paper
 * accounts take any non-empty value.
 */
export const RegisterAccountBody = z
  .strictObject({
    exchange: z.enum(['binance', 'okx', 'paper']),
    api_key: z.string().min(1).max(128).regex(printable, 'must be printable characters without spaces'),
    api_secret: z.string().min(1).max(128).regex(printable, 'must be printable characters without spaces'),
    passphrase: z
      .string()
      .min(1)
      .max(64)
      .regex(printable, 'must be printable characters without spaces')
      .optional(),
    testnet: z.boolean().default(true),
    label: z.string().trim().max(64).optional(),
  })
  .superRefine((body, ctx) => {
    const alnum = /^[A-Za-z0-9]{16,128}$/;
    if (body.exchange === 'okx') {
      if (body.passphrase === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['passphrase'],
          message: 'OKX accounts need the API passphrase',
        });
      if (!/^[0-9a-fA-F-]{36}$/.test(body.api_key))
        ctx.addIssue({
          code: 'custom',
          path: ['api_key'],
          message: 'an OKX API key looks like 8-4-4-4-12 hexadecimal characters',
        });
      if (!alnum.test(body.api_secret))
        ctx.addIssue({
          code: 'custom',
          path: ['api_secret'],
          message: 'an OKX secret key is 16–128 letters and digits',
        });
    } else if (body.passphrase !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['passphrase'],
        message: `${body.exchange} accounts have no passphrase`,
      });
    }
    if (body.exchange === 'binance') {
      if (!alnum.test(body.api_key))
        ctx.addIssue({
          code: 'custom',
          path: ['api_key'],
          message: 'a Binance API key is 64 letters and digits',
        });
      if (!alnum.test(body.api_secret))
        ctx.addIssue({
          code: 'custom',
          path: ['api_secret'],
          message: 'a Binance secret key is 64 letters and digits',
        });
    }
  });

export const AccountParams = z.strictObject({ id: z.string().min(1).max(64) });

export const Account = z.object({
  id: z.string(),
  exchange: z.enum(['binance', 'okx', 'paper']),
  label: z.string(),
  testnet: z.boolean(),
  is_active: z.boolean(),
  created_at: z.string(),
  webhook_secret_hint: z.string(),
});

export const RegisteredAccount = Account.extend({
  /** Shown once: the secret TradingView alerts for this account must carry. Stored only as a hash. */
  webhook_secret: z.string(),
});

export const AccountList = z.object({ accounts: z.array(Account), total: z.number().int() });
export const AccountDeleted = z.object({ success: z.literal(true), message: z.string() });
export const AccountToggled = z.object({
  success: z.literal(true),
  account_id: z.string(),
  is_active: z.boolean(),
});
export const WebhookSecretRotated = z.object({ account_id: z.string(), webhook_secret: z.string() });
export const ConnectionTest = z.object({
  ok: z.boolean(),
  exchange: z.string(),
  testnet: z.boolean(),
  balance: z.object({ asset: z.string(), total: z.string(), available: z.string() }).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

/** The account's USDT balance on its venue. */
export const Balance = z.object({
  account_id: z.string(),
  asset: z.string(),
  total: z.string(),
  available: z.string(),
  unrealized_pnl: z.string(),
});

/** One open position as the venue reports it (quantities and prices are decimal strings). */
export const Position = z.object({
  venue_symbol: z.string(),
  side: z.enum(['net', 'long', 'short']),
  /** Signed base-asset quantity: positive long, negative short. */
  qty: z.string(),
  entry_price: z.string(),
  mark_price: z.string(),
  unrealized_pnl: z.string(),
  leverage: z.number(),
  margin_mode: z.enum(['cross', 'isolated']),
  liquidation_price: z.string().optional(),
});

export const PositionList = z.object({ account_id: z.string(), positions: z.array(Position) });

export const AccountPnl = z.object({
  account_id: z.string(),
  realized_pnl: z.number(),
  fills: z.number().int(),
  open: z.array(z.object({ symbol: z.string(), qty: z.number(), avg_entry: z.number() })),
  basis: z.string(),
});

nameSchemas({
  Account,
  RegisteredAccount,
  AccountList,
  AccountDeleted,
  AccountToggled,
  WebhookSecretRotated,
  ConnectionTest,
  Balance,
  Position,
  PositionList,
  AccountPnl,
});
