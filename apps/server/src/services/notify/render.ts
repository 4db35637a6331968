import { ERROR_HINTS } from '@tradingbot/executor';
import type { OutgoingMessage } from './channel.ts';
import type { AccountRef, NotifyFacts } from './facts.ts';

/**
 * Events as short messages in the channel's language (en, ko): a title, a few plain lines, and a
 * link to the signal in the web UI when PUBLIC_URL is set. Only what `NotifyFacts` carries reaches a
 * message, and the facts never hold a secret or a full account id (`facts.ts`).
 */

export type Locale = 'en' | 'ko';
type Rendered = Pick<OutgoingMessage, 'title' | 'text'> & { path?: string };

/** Plain words per refusal or failure code: what happened and what to do. */
const REASONS: Record<string, Record<Locale, { what: string; fix: string }>> = {
  INVALID_WEBHOOK_SECRET: {
    en: {
      what: "Invalid webhook secret: the alert's secret does not match the account",
      fix: "Copy the account's webhook secret into the alert message again (Accounts → webhook)",
    },
    ko: {
      what: '웹훅 시크릿 불일치: 알림의 시크릿이 계정과 맞지 않습니다',
      fix: '계정의 웹훅 시크릿을 알림 메시지에 다시 붙여 넣으세요 (계정 → 웹훅)',
    },
  },
  STALE_SIGNAL: {
    en: { what: 'The alert arrived too late and was not traded', fix: ERROR_HINTS.STALE_SIGNAL ?? '' },
    ko: {
      what: '알림이 너무 늦게 도착해 주문하지 않았습니다',
      fix: '그 정도 지연이 괜찮다면 max_lag 값을 늘리세요',
    },
  },
  ACCOUNT_INACTIVE: {
    en: { what: 'The account is switched off', fix: 'Switch the account on in Accounts' },
    ko: { what: '계정이 비활성화되어 있습니다', fix: '계정 화면에서 계정을 활성화하세요' },
  },
  EXCHANGE_MISMATCH: {
    en: {
      what: "The alert names another exchange than the account's",
      fix: "Set the alert's exchange to the account's venue",
    },
    ko: {
      what: '알림의 거래소가 계정의 거래소와 다릅니다',
      fix: '알림의 exchange 값을 계정의 거래소로 바꾸세요',
    },
  },
  INSUFFICIENT_BALANCE: {
    en: { what: 'Not enough margin for the order', fix: ERROR_HINTS.INSUFFICIENT_BALANCE ?? '' },
    ko: {
      what: '주문에 필요한 증거금이 부족합니다',
      fix: '선물 지갑에 USDT를 입금하거나 크기나 레버리지를 줄이세요',
    },
  },
  EXCHANGE_AUTH_FAILED: {
    en: { what: 'The exchange refused the API key', fix: ERROR_HINTS.EXCHANGE_AUTH_FAILED ?? '' },
    ko: {
      what: '거래소가 API 키를 거부했습니다',
      fix: 'API 키, 선물 거래 권한, IP 화이트리스트를 확인하세요',
    },
  },
  PROTECTION_FAILED: {
    en: { what: 'The stop-loss could not be placed', fix: ERROR_HINTS.PROTECTION_FAILED ?? '' },
    ko: {
      what: '손절 주문을 넣지 못했습니다',
      fix: '거래소에서 포지션을 확인하고, 열려 있으면 손절을 직접 넣으세요',
    },
  },
  VALIDATION_FAILED: {
    en: {
      what: 'The alert message is not valid',
      fix: 'Export the alert message again from the Export page',
    },
    ko: { what: '알림 메시지가 올바르지 않습니다', fix: '내보내기 화면에서 알림 메시지를 다시 만드세요' },
  },
};

function reason(code: string, message: string, locale: Locale): { what: string; fix: string } {
  const known = REASONS[code]?.[locale];
  if (known) return known;
  const hint = ERROR_HINTS[code];
  if (locale === 'ko') {
    return {
      what: `${message} (${code})`,
      fix: hint ? `도움말: ${hint}` : '신호 상세 화면에서 내용을 확인하세요',
    };
  }
  return { what: `${message} (${code})`, fix: hint ?? 'See the signal in the web UI for details' };
}

const account = (ref: AccountRef) => (ref.label ? `${ref.label} (${ref.masked})` : ref.masked);
const signed = (value: string) => (value.startsWith('-') ? value : `+${value}`);

const REASON_WORDS: Record<
  'stop_loss' | 'take_profit' | 'trailing' | 'liquidation',
  Record<Locale, string>
> = {
  stop_loss: { en: 'Stop-loss hit', ko: '손절 체결' },
  take_profit: { en: 'Take-profit hit', ko: '익절 체결' },
  trailing: { en: 'Trailing stop hit', ko: '트레일링 스탑 체결' },
  liquidation: { en: 'Liquidated', ko: '강제 청산' },
};

const PROTECTION_WORDS: Record<'reprotected' | 'closed' | 'alerted' | 'failed', Record<Locale, string>> = {
  reprotected: { en: 'a new stop-loss was placed', ko: '새 손절 주문을 넣었습니다' },
  closed: { en: 'the position was closed', ko: '포지션을 청산했습니다' },
  alerted: {
    en: 'nothing was changed: place a stop-loss or close it',
    ko: '변경하지 않았습니다: 손절을 넣거나 포지션을 닫으세요',
  },
  failed: {
    en: 'placing a new stop-loss failed: check the position on the exchange now',
    ko: '새 손절 주문에 실패했습니다: 지금 거래소에서 포지션을 확인하세요',
  },
};

function executed(f: Extract<NotifyFacts, { type: 'signal_executed' }>, l: Locale): Rendered {
  const action = f.action.toUpperCase();
  const lines = [`${account(f.account)} · ${f.exchange} · ${f.symbol} ${action}`];
  const size = [
    f.qty ? (l === 'ko' ? `수량 ${f.qty}` : `size ${f.qty}`) : '',
    f.price ? (l === 'ko' ? `가격 ${f.price}` : `price ${f.price}`) : '',
    f.leverage ? (l === 'ko' ? `레버리지 ${f.leverage}x` : `leverage ${f.leverage}x`) : '',
  ].filter(Boolean);
  if (size.length) lines.push(size.join(' · '));
  const protection = [
    f.stopLoss ? (l === 'ko' ? `손절 ${f.stopLoss}` : `SL ${f.stopLoss}`) : '',
    f.takeProfit ? (l === 'ko' ? `익절 ${f.takeProfit}` : `TP ${f.takeProfit}`) : '',
  ].filter(Boolean);
  if (protection.length) lines.push(protection.join(' · '));
  if (f.warning) lines.push(l === 'ko' ? `주의: ${f.warning}` : `Warning: ${f.warning}`);
  return {
    title: l === 'ko' ? `신호 실행됨: ${f.symbol} ${action}` : `Signal executed: ${f.symbol} ${action}`,
    text: lines.join('\n'),
    path: `/signals/${f.signalId}`,
  };
}

function failed(f: Extract<NotifyFacts, { type: 'signal_failed' }>, l: Locale): Rendered {
  const r = reason(f.code, f.message, l);
  const what = [f.symbol, f.action?.toUpperCase()].filter(Boolean).join(' ');
  const title =
    f.status === 'rejected'
      ? l === 'ko'
        ? `신호 거부됨${what ? `: ${what}` : ''}`
        : `Signal rejected${what ? `: ${what}` : ''}`
      : l === 'ko'
        ? `신호 실패${what ? `: ${what}` : ''}`
        : `Signal failed${what ? `: ${what}` : ''}`;
  return {
    title,
    text: [
      `${account(f.account)} · ${f.exchange}`,
      r.what,
      l === 'ko' ? `해결: ${r.fix}` : `Fix: ${r.fix}`,
    ].join('\n'),
    path: `/signals/${f.signalId}`,
  };
}

function refused(f: Extract<NotifyFacts, { type: 'alert_refused' }>, l: Locale): Rendered {
  const r = reason(f.code, '', l);
  return {
    title: l === 'ko' ? `알림 거부됨: ${account(f.account)}` : `Alert refused for ${account(f.account)}`,
    text: [
      r.what,
      l === 'ko' ? `해결: ${r.fix}` : `Fix: ${r.fix}`,
      l === 'ko'
        ? '이 계정의 같은 알림은 몇 분 동안 다시 알리지 않습니다.'
        : 'Further refusals for this account are not repeated for a few minutes.',
    ].join('\n'),
    ...(f.signalId ? { path: `/signals/${f.signalId}` } : {}),
  };
}

function closed(f: Extract<NotifyFacts, { type: 'trade_closed' }>, l: Locale): Rendered {
  const words = REASON_WORDS[f.reason][l];
  return {
    title: `${words}: ${f.symbol} ${l === 'ko' ? '손익' : 'PnL'} ${signed(f.pnl)}`,
    text: [
      `${account(f.account)} · ${f.exchange}`,
      l === 'ko'
        ? `${f.symbol} ${f.side} ${f.qty} @ ${f.price} · 실현 손익 ${signed(f.pnl)}`
        : `${f.symbol} ${f.side} ${f.qty} @ ${f.price} · realized PnL ${signed(f.pnl)}`,
    ].join('\n'),
    ...(f.signalId ? { path: `/signals/${f.signalId}` } : {}),
  };
}

function unprotected(f: Extract<NotifyFacts, { type: 'protection_missing' }>, l: Locale): Rendered {
  return {
    title: l === 'ko' ? `손절 없는 포지션: ${f.symbol}` : `Position without a stop-loss: ${f.symbol}`,
    text: [
      `${account(f.account)} · ${f.exchange}`,
      `${f.symbol} ${f.side} ${f.qty}`,
      PROTECTION_WORDS[f.action][l] + (f.errorCode ? ` (${f.errorCode})` : ''),
    ].join('\n'),
  };
}

function streamDown(f: Extract<NotifyFacts, { type: 'stream_down' }>, l: Locale): Rendered {
  const since = new Date(f.downSince).toISOString().slice(11, 16);
  return {
    title: l === 'ko' ? `거래소 연결 끊김: ${f.exchange}` : `Venue stream down: ${f.exchange}`,
    text:
      l === 'ko'
        ? `${account(f.account)}: ${since} UTC부터 1분 넘게 실시간 연결이 끊겼습니다. 그동안의 체결은 다시 연결된 뒤 반영됩니다.`
        : `${account(f.account)}: the live connection has been down since ${since} UTC (over a minute). Fills meanwhile show once it reconnects.`,
  };
}

function dailyLoss(f: Extract<NotifyFacts, { type: 'daily_loss_reached' }>, l: Locale): Rendered {
  const until = new Date(f.pausedUntil).toISOString().slice(0, 16).replace('T', ' ');
  return {
    title:
      l === 'ko'
        ? `일일 손실 한도 도달: ${account(f.account)}`
        : `Daily loss limit reached: ${account(f.account)}`,
    text: [
      `${account(f.account)} · ${f.exchange}`,
      l === 'ko'
        ? `오늘 순손익 ${signed(f.netPnl)} USDT, 한도 -${f.limit} USDT.`
        : `Today's net PnL ${signed(f.netPnl)} USDT, limit -${f.limit} USDT.`,
      l === 'ko'
        ? `${until} UTC까지 신규 진입을 멈춥니다 (계정 화면에서 재개할 수 있습니다). 청산은 계속 실행됩니다.`
        : `New entries are paused until ${until} UTC (resume on the Accounts page). Closes still run.`,
    ].join('\n'),
    path: '/accounts',
  };
}

function dailySummary(f: Extract<NotifyFacts, { type: 'daily_summary' }>, l: Locale): Rendered {
  const blocks = f.accounts.map((a) => {
    const head =
      l === 'ko'
        ? `${account(a.account)} · ${a.exchange}: 순손익 ${signed(a.netPnl)} USDT · 청산 체결 ${a.trades}건`
        : `${account(a.account)} · ${a.exchange}: net PnL ${signed(a.netPnl)} USDT · ${a.trades} closing fill(s)`;
    const open = a.openPositions.map(
      (p) =>
        `  ${p.symbol} ${p.side} ${p.qty} · ${l === 'ko' ? '미실현' : 'unrealized'} ${signed(p.unrealizedPnl)}`,
    );
    const none = l === 'ko' ? '  열린 포지션 없음' : '  no open positions';
    return [head, ...(open.length ? open : [none])].join('\n');
  });
  return {
    title: l === 'ko' ? `일일 요약 ${f.day} (UTC)` : `Daily summary ${f.day} (UTC)`,
    text: blocks.join('\n'),
  };
}

function test(f: Extract<NotifyFacts, { type: 'test' }>, l: Locale): Rendered {
  return {
    title: l === 'ko' ? 'TradingBot 테스트 메시지' : 'TradingBot test message',
    text:
      l === 'ko'
        ? `"${f.channelName}" 채널이 작동합니다. 알림이 여기로 옵니다.`
        : `The channel "${f.channelName}" works: notifications will arrive here.`,
  };
}

function renderFacts(facts: NotifyFacts, locale: Locale): Rendered {
  switch (facts.type) {
    case 'signal_executed':
      return executed(facts, locale);
    case 'signal_failed':
      return failed(facts, locale);
    case 'alert_refused':
      return refused(facts, locale);
    case 'trade_closed':
      return closed(facts, locale);
    case 'protection_missing':
      return unprotected(facts, locale);
    case 'stream_down':
      return streamDown(facts, locale);
    case 'daily_loss_reached':
      return dailyLoss(facts, locale);
    case 'daily_summary':
      return dailySummary(facts, locale);
    case 'test':
      return test(facts, locale);
  }
}

/** One event as a message for a channel. `linkBase`: PUBLIC_URL, or undefined for no link. */
export function renderMessage(
  id: string,
  facts: NotifyFacts,
  locale: Locale,
  linkBase: string | undefined,
): OutgoingMessage {
  const { title, text, path } = renderFacts(facts, locale);
  const link = linkBase && path ? `${linkBase}${path}` : undefined;
  return { id, event: facts.type, locale, title, text, ...(link ? { link } : {}), data: { ...facts } };
}

/** Many messages due at once for one channel, as one: counts per kind and the latest titles. */
export function renderDigest(
  id: string,
  facts: readonly NotifyFacts[],
  locale: Locale,
  linkBase: string | undefined,
): OutgoingMessage {
  const titles = facts.map((f) => renderFacts(f, locale).title);
  const counts = new Map<string, number>();
  for (const f of facts) counts.set(f.type, (counts.get(f.type) ?? 0) + 1);
  const shown = titles.slice(-5);
  const more = titles.length - shown.length;
  const lines = [
    ...shown.map((t) => `• ${t}`),
    ...(more > 0 ? [locale === 'ko' ? `…외 ${more}건` : `…and ${more} more`] : []),
  ];
  return {
    id,
    event: 'digest',
    locale,
    title: locale === 'ko' ? `알림 ${facts.length}건 요약` : `${facts.length} notifications in a burst`,
    text: lines.join('\n'),
    ...(linkBase ? { link: `${linkBase}/signals` } : {}),
    data: { type: 'digest', count: facts.length, counts: Object.fromEntries(counts) },
  };
}
