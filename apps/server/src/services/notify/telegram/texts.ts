import type { TelegramLocale } from './linking.ts';

/**
 * What the bot says, in English and Korean (the user's locale, chosen when they asked for the
 * link code; before a chat is linked, the Telegram app's language). Plain text: no parse mode, so
 * nothing a venue or a user sends can break the formatting. Never a secret, key or full account id.
 */
const en = {
  howToLink: (url: string) =>
    `This chat is not linked to a TradingBot AI account.\n\nTo link it: open ${url}, go to Notifications → Telegram, press "Link Telegram" and send the code it shows to this bot (or open its link).`,
  linked:
    'Linked. This chat now gets your TradingBot AI notifications and takes commands. Send /help to see them.',
  alreadyLinked: 'This chat is already linked to your account.',
  codeInvalid: 'That code is not valid (or was used already). Ask for a new one on the Notifications page.',
  codeExpired: 'That code has expired. Ask for a new one on the Notifications page.',
  chatTaken: 'This chat is linked to another TradingBot AI user. Send /unlink here first.',
  unlinked: 'Unlinked. This chat gets no more notifications and takes no commands.',
  groupsRefused: 'For your safety the bot only works in a private chat with you.',
  help:
    'Commands (ACCOUNT = an account label; without it, all your accounts):\n' +
    '/status [ACCOUNT] — open positions with PnL\n' +
    '/balance [ACCOUNT] — balances\n' +
    '/trades [ACCOUNT] — last closed trades\n' +
    '/pause [ACCOUNT] — stop new entries (closes still run)\n' +
    '/resume [ACCOUNT] — take new entries again\n' +
    '/close SYMBOL [ACCOUNT] — close a position (asks to confirm)\n' +
    '/flatten [ACCOUNT] — close every position (asks to confirm)\n' +
    '/unlink — unlink this chat',
  noAccounts: 'You have no exchange account yet.',
  noSuchAccount: (name: string) => `No account of yours is called "${name}".`,
  noPositions: 'no open positions',
  positionsHeader: 'Open positions',
  balanceLine: (total: string, available: string, upnl: string) =>
    `total ${total} USDT, available ${available}, unrealized PnL ${upnl}`,
  noTrades: 'no closed trades yet',
  tradesHeader: 'Last closed trades',
  venueFailed: (reason: string) => `could not read the exchange: ${reason}`,
  paused: (names: string) =>
    `New entries paused on: ${names}. Closes still run; /resume to take entries again.`,
  resumed: (names: string) => `New entries resumed on: ${names}.`,
  closeUsage: 'Send /close SYMBOL, e.g. /close BTCUSDT',
  confirmClose: (symbol: string, names: string) => `Close the ${symbol} position on ${names}?`,
  confirmFlatten: (names: string) => `Close EVERY open position on ${names}?`,
  confirmYes: 'Yes, close',
  confirmNo: 'Cancel',
  cancelled: 'Cancelled; nothing was sent.',
  confirmExpired: 'This button has expired; send the command again.',
  nothingToClose: 'Nothing to close: no open position.',
  closeQueued: (count: number) =>
    `Sent ${count} close order${count === 1 ? '' : 's'} to the account's queue…`,
  closeResult: (lines: string) => `Done:\n${lines}`,
  unknownCommand: 'Unknown command. Send /help to see what the bot does.',
};

const ko: typeof en = {
  howToLink: (url: string) =>
    `이 채팅은 TradingBot AI 계정에 연결되어 있지 않습니다.\n\n연결하려면 ${url} 에서 알림 → 텔레그램으로 가서 "텔레그램 연결"을 누르고, 표시된 코드를 이 봇에 보내세요 (또는 링크를 여세요).`,
  linked:
    '연결되었습니다. 이 채팅으로 TradingBot AI 알림을 받고 명령을 보낼 수 있습니다. /help 로 명령을 확인하세요.',
  alreadyLinked: '이 채팅은 이미 내 계정에 연결되어 있습니다.',
  codeInvalid: '유효하지 않은 코드입니다 (또는 이미 사용됨). 알림 페이지에서 새 코드를 받으세요.',
  codeExpired: '코드가 만료되었습니다. 알림 페이지에서 새 코드를 받으세요.',
  chatTaken: '이 채팅은 다른 TradingBot AI 사용자에게 연결되어 있습니다. 먼저 여기서 /unlink 를 보내세요.',
  unlinked: '연결을 해제했습니다. 이 채팅은 더 이상 알림을 받지 않고 명령도 받지 않습니다.',
  groupsRefused: '안전을 위해 봇은 1:1 개인 채팅에서만 동작합니다.',
  help:
    '명령 (ACCOUNT = 계정 이름; 생략하면 모든 계정):\n' +
    '/status [ACCOUNT] — 보유 포지션과 손익\n' +
    '/balance [ACCOUNT] — 잔고\n' +
    '/trades [ACCOUNT] — 최근 청산 거래\n' +
    '/pause [ACCOUNT] — 신규 진입 중지 (청산은 실행됨)\n' +
    '/resume [ACCOUNT] — 신규 진입 재개\n' +
    '/close SYMBOL [ACCOUNT] — 포지션 청산 (확인 후)\n' +
    '/flatten [ACCOUNT] — 모든 포지션 청산 (확인 후)\n' +
    '/unlink — 이 채팅 연결 해제',
  noAccounts: '아직 거래소 계정이 없습니다.',
  noSuchAccount: (name: string) => `"${name}" 이라는 계정이 없습니다.`,
  noPositions: '보유 포지션 없음',
  positionsHeader: '보유 포지션',
  balanceLine: (total: string, available: string, upnl: string) =>
    `총 ${total} USDT, 사용 가능 ${available}, 미실현 손익 ${upnl}`,
  noTrades: '아직 청산된 거래가 없습니다',
  tradesHeader: '최근 청산 거래',
  venueFailed: (reason: string) => `거래소를 읽지 못했습니다: ${reason}`,
  paused: (names: string) => `신규 진입 중지: ${names}. 청산은 계속 실행됩니다. /resume 으로 재개하세요.`,
  resumed: (names: string) => `신규 진입 재개: ${names}.`,
  closeUsage: '/close SYMBOL 형식으로 보내세요. 예: /close BTCUSDT',
  confirmClose: (symbol: string, names: string) => `${names} 의 ${symbol} 포지션을 청산할까요?`,
  confirmFlatten: (names: string) => `${names} 의 모든 포지션을 청산할까요?`,
  confirmYes: '예, 청산',
  confirmNo: '취소',
  cancelled: '취소했습니다. 아무 주문도 보내지 않았습니다.',
  confirmExpired: '버튼이 만료되었습니다. 명령을 다시 보내세요.',
  nothingToClose: '청산할 포지션이 없습니다.',
  closeQueued: (count: number) => `청산 주문 ${count}건을 계정 대기열에 보냈습니다…`,
  closeResult: (lines: string) => `완료:\n${lines}`,
  unknownCommand: '알 수 없는 명령입니다. /help 로 사용법을 확인하세요.',
};

export type BotTexts = typeof en;

export const BOT_TEXTS: Record<TelegramLocale, BotTexts> = { en, ko };

/** The locale of a Telegram user not linked yet: their app's language (`language_code`). */
export function localeOfLanguageCode(code: string | undefined): TelegramLocale {
  return code?.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}
