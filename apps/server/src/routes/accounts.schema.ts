import { z } from 'zod';
import { PAPER_MARKET_DATA, VENUE_FACTS, VENUE_IDS, type VenueFacts } from '@tradingbot/core';
import { nameSchemas } from './schema-registry.ts';

const printable = /^[\x21-\x7e]+$/; // printable ASCII, no spaces

/**
 * Each venue's credential formats and whether it needs a passphrase come from `VENUE_FACTS`
 * (@tradingbot/core); passphrases are chosen by the user. Live venues need the key and secret;
 * paper accounts need none (any printable value is still taken, for older clients).
 */
export const RegisterAccountBody = z
  .strictObject({
    exchange: z.enum(VENUE_IDS),
    api_key: z
      .string()
      .min(1)
      .max(128)
      .regex(printable, 'must be printable characters without spaces')
      .optional(),
    // 256: a PEM private key (Binance Ed25519 keys) is longer than any HMAC secret; its spaces and
    // line breaks are checked by the venue's format, the printable rule holds for the others.
    api_secret: z.string().min(1).max(256).optional(),
    passphrase: z
      .string()
      .min(1)
      .max(64)
      .regex(printable, 'must be printable characters without spaces')
      .optional(),
    testnet: z.boolean().default(true),
    label: z.string().trim().max(64).optional(),
    /**
     * Check the keys with the venue (a balance call) before saving: refused keys are not saved
     * (400 ACCOUNT_KEYS_REJECTED, `details.reason`). The web always asks for it.
     */
    verify_keys: z.boolean().default(false),
    /** With `verify_keys`: save anyway when the venue cannot be reached (else 502 VENUE_UNREACHABLE). */
    save_if_unreachable: z.boolean().default(false),
    /**
     * Paper accounts only: what moves its prices, candles and fills — `synthetic` (offline, not
     * market data; the default) or a venue's public market data (`binance`, `okx`; no keys).
     */
    market_data: z.enum(PAPER_MARKET_DATA).optional(),
  })
  .superRefine((body, ctx) => {
    const venue: VenueFacts = VENUE_FACTS[body.exchange];
    if (venue.live && body.market_data !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['market_data'],
        message: `only paper accounts choose their market data; a ${venue.label} account trades on ${venue.label}`,
      });
    }
    if (venue.needsPassphrase) {
      if (body.passphrase === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['passphrase'],
          message: `${venue.label} accounts need the API passphrase`,
        });
    } else if (body.passphrase !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['passphrase'],
        message: `${body.exchange} accounts have no passphrase`,
      });
    }
    if (venue.live) {
      for (const field of ['api_key', 'api_secret'] as const) {
        if (body[field] === undefined)
          ctx.addIssue({ code: 'custom', path: [field], message: `${venue.label} accounts need it` });
      }
    }
    const formats = venue.credentialFormats;
    if (formats !== undefined) {
      if (body.api_key !== undefined && !formats.apiKey.pattern.test(body.api_key))
        ctx.addIssue({ code: 'custom', path: ['api_key'], message: formats.apiKey.message });
      if (body.api_secret !== undefined && !formats.apiSecret.pattern.test(body.api_secret))
        ctx.addIssue({ code: 'custom', path: ['api_secret'], message: formats.apiSecret.message });
    } else if (
      body.api_secret !== undefined &&
      (!printable.test(body.api_secret) || body.api_secret.length > 128)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['api_secret'],
        message: 'must be at most 128 printable characters without spaces',
      });
    }
  });

export const AccountParams = z.strictObject({ id: z.string().min(1).max(64) });

export const Account = z.object({
  id: z.string(),
  exchange: z.enum(VENUE_IDS),
  label: z.string(),
  testnet: z.boolean(),
  is_active: z.boolean(),
  created_at: z.string(),
  webhook_secret_hint: z.string(),
  /** A paper account's price source (`synthetic` = computed, not market data); null for live accounts. */
  market_data: z.enum(PAPER_MARKET_DATA).nullable(),
});

/** A paper account's new price source; its balance, positions and orders stay. */
export const SetMarketDataBody = z.strictObject({ market_data: z.enum(PAPER_MARKET_DATA) });

/**
 * Where a paper account's prices come from now and whether they can be trusted: `synthetic` is
 * always `up`; a venue feed is `down` (with `reason`) while its public stream is disconnected or
 * silent, and then new orders are refused (503 EXCHANGE_UNAVAILABLE), never filled at a stale price.
 */
export const MarketDataState = z.object({
  source: z.enum(PAPER_MARKET_DATA),
  state: z.enum(['connecting', 'up', 'down']),
  since: z.string(),
  reason: z.string().optional(),
  /** The newest price received from the venue (venue feeds). */
  last_price_at: z.string().optional(),
});

export const RegisteredAccount = Account.extend({
  /** Shown once: the secret TradingView alerts for this account must carry. Stored only as a hash. */
  webhook_secret: z.string(),
  /** With `verify_keys`: `confirmed` by the venue, or `unreachable` (saved anyway, unchecked). */
  keys_check: z.enum(['confirmed', 'unreachable']).optional(),
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
  /** `reason`: what a refusal means (wrong_key, ip_not_allowed, …; see services/account-key-check.ts). */
  error: z.object({ code: z.string(), message: z.string(), reason: z.string().optional() }).optional(),
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

export const PositionList = z.object({
  account_id: z.string(),
  positions: z.array(Position),
  /** Paper accounts: where the prices (and so the marks and PnL above) come from. */
  market_data: MarketDataState.optional(),
});

export const AccountPnl = z.object({
  account_id: z.string(),
  realized_pnl: z.number(),
  fills: z.number().int(),
  open: z.array(z.object({ symbol: z.string(), qty: z.number(), avg_entry: z.number() })),
  basis: z.string(),
});

nameSchemas({
  Account,
  SetMarketDataBody,
  MarketDataState,
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
