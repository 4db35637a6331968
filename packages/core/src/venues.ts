/**
 * The venues an account can trade on: the one list every other spelling derives from (the webhook
 * payload and route schemas, the database column, the web forms, the CLI's choices, the exchange
 * registry `VENUES` in @tradingbot/exchange). Pure facts only, no I/O and no imports, so the browser
 * bundle can read them too (`@tradingbot/core/venues`).
 *
 * Adding a venue starts here; the database's CHECK constraint is SQL and needs its own migration
 * (a db test fails until it lists the same ids).
 */
export const VENUE_IDS = ['binance', 'okx', 'bybit', 'paper'] as const;
export type VenueId = (typeof VENUE_IDS)[number];

export type VenueFacts = {
  /** How the venue is named in messages and menus (the web's longer, translated names live in its dictionaries). */
  readonly label: string;
  /** Whether the venue speaks a REST API over the network (false: the in-process paper venue). */
  readonly live: boolean;
  /** Whether its API credentials include a passphrase besides the key and the secret. */
  readonly needsPassphrase: boolean;
  /** The venue's own id of a base/quote perpetual swap. */
  readonly formatSymbol: (pair: { base: string; quote: string }) => string;
  /** The longest client order id the venue takes (our derived ids are ≤ 30 characters). */
  readonly clientOrderIdMaxLength: number;
  /** What its API key and secret look like, checked on registration (none: any printable value). */
  readonly credentialFormats?: {
    readonly apiKey: CredentialFormat;
    readonly apiSecret: CredentialFormat;
  };
};

/** A credential's expected shape and the message that explains it when it does not match. */
export type CredentialFormat = { readonly pattern: RegExp; readonly message: string };

const concatenated = ({ base, quote }: { base: string; quote: string }) => `${base}${quote}`;

/**
 * Binance HMAC keys and secrets are 64 letters and digits, OKX secrets 32 hex characters; the
 * check is a little wider (16–128 letters and digits) so a venue's format change does not lock
 * users out.
 */
const LETTERS_AND_DIGITS = /^[A-Za-z0-9]{16,128}$/;

/**
 * A Binance secret: an HMAC secret, or the PKCS#8 PEM private key of an Ed25519 API key
 * (`openssl genpkey -algorithm ed25519`): every such key's base64 starts with the same 21
 * characters (the Ed25519 algorithm identifier). Line breaks may have become spaces (a password
 * field drops them).
 */
const ED25519_PRIVATE_KEY_PEM =
  /^-----BEGIN PRIVATE KEY-----\s*MC4CAQAwBQYDK2VwBCIEI[A-Za-z0-9+/]{43}\s*-----END PRIVATE KEY-----\s*$/;
const BINANCE_SECRET = new RegExp(`${LETTERS_AND_DIGITS.source}|${ED25519_PRIVATE_KEY_PEM.source}`);

export const VENUE_FACTS = {
  binance: {
    label: 'Binance',
    live: true,
    needsPassphrase: false,
    formatSymbol: concatenated,
    clientOrderIdMaxLength: 36,
    credentialFormats: {
      apiKey: { pattern: LETTERS_AND_DIGITS, message: 'a Binance API key is 64 letters and digits' },
      apiSecret: {
        pattern: BINANCE_SECRET,
        message:
          'a Binance secret key is 64 letters and digits, or the PEM private key of an Ed25519 API key (-----BEGIN PRIVATE KEY-----…)',
      },
    },
  },
  okx: {
    label: 'OKX',
    live: true,
    needsPassphrase: true,
    formatSymbol: ({ base, quote }) => `${base}-${quote}-SWAP`,
    clientOrderIdMaxLength: 32,
    credentialFormats: {
      // A UUID.
      apiKey: {
        pattern: /^[0-9a-fA-F-]{36}$/,
        message: 'an OKX API key looks like 8-4-4-4-12 hexadecimal characters',
      },
      apiSecret: { pattern: LETTERS_AND_DIGITS, message: 'an OKX secret key is 16–128 letters and digits' },
    },
  },
  bybit: {
    label: 'Bybit',
    live: true,
    needsPassphrase: false,
    formatSymbol: concatenated,
    // orderLinkId: up to 36 characters of [0-9A-Za-z_-].
    clientOrderIdMaxLength: 36,
    credentialFormats: {
      // Bybit's HMAC keys are 18 characters and secrets 36 (letters and digits); checked loosely.
      apiKey: { pattern: /^[A-Za-z0-9]{10,64}$/, message: 'a Bybit API key is 10–64 letters and digits' },
      apiSecret: { pattern: LETTERS_AND_DIGITS, message: 'a Bybit API secret is 16–128 letters and digits' },
    },
  },
  // Paper accounts trade the Binance-style ids the paper venue lists.
  paper: {
    label: 'Paper',
    live: false,
    needsPassphrase: false,
    formatSymbol: concatenated,
    clientOrderIdMaxLength: 36,
  },
} as const satisfies Record<VenueId, VenueFacts>;

/** The venues with a real REST API (public candles, credentials, a base URL): all but paper. */
export type LiveVenueId = {
  [K in VenueId]: (typeof VENUE_FACTS)[K]['live'] extends true ? K : never;
}[VenueId];

/** `VENUE_IDS` without the paper venue, in the same order; a tuple so `z.enum` takes it. */
export const LIVE_VENUE_IDS = VENUE_IDS.filter((id) => VENUE_FACTS[id].live) as unknown as readonly [
  LiveVenueId,
  ...LiveVenueId[],
];

export function isVenueId(value: unknown): value is VenueId {
  return typeof value === 'string' && (VENUE_IDS as readonly string[]).includes(value);
}

export function isLiveVenueId(value: unknown): value is LiveVenueId {
  return isVenueId(value) && VENUE_FACTS[value].live;
}

/** `binance, okx, bybit or paper`: venue ids as a message or a help text lists them. */
export function venueList(ids: readonly string[] = VENUE_IDS): string {
  return ids.length <= 1 ? ids.join('') : `${ids.slice(0, -1).join(', ')} or ${ids.at(-1)}`;
}

/**
 * What moves a paper account's prices, candles and fills: `synthetic` (the offline sine-wave feed,
 * never market data, labelled as such wherever shown) or a venue's public market data (no keys).
 */
export const PAPER_MARKET_DATA = ['synthetic', 'binance', 'okx'] as const;
export type PaperMarketData = (typeof PAPER_MARKET_DATA)[number];
/** The venues whose public streams a paper account can follow. */
export type PaperMarketVenue = Exclude<PaperMarketData, 'synthetic'>;

export function isPaperMarketData(value: unknown): value is PaperMarketData {
  return typeof value === 'string' && (PAPER_MARKET_DATA as readonly string[]).includes(value);
}
