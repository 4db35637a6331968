import type { PineBacktestSettings, PineExchange } from './exporter.ts';

/** The lab's backtest figures for the exported plan (TradingView's Strategy Tester names; null = undefined). */
export type ExpectedTesterFigures = {
  net_profit_pct?: number | null;
  total_trades?: number | null;
  win_rate?: number | null;
  max_drawdown_pct?: number | null;
  profit_factor?: number | null;
};

export type SetupGuideOptions = {
  /** The plan the script carries: the guide lists it (the Strategy Tester's properties). */
  plan?: PineBacktestSettings & { leverage: number };
  expected?: ExpectedTesterFigures;
  /** This server's webhook URL, e.g. https://bot.example.com/api/v1/webhook/tradingview. */
  webhookUrl: string;
  accountId?: string;
  /** The alerts target this account group instead (each member account on its own exchange). */
  groupId?: string;
  exchange: PineExchange;
  lang: 'ko' | 'en';
  /** Strategy name shown in the title. */
  strategyName?: string;
};

/** TradingView's webhook source addresses (TradingView support pages), for an optional allow-list. */
export const TRADINGVIEW_WEBHOOK_IPS = [
  '52.89.214.238',
  '34.212.75.30',
  '54.218.53.128',
  '52.32.178.7',
] as const;

const ALERT_MESSAGE = '{{strategy.order.alert_message}}';

function urlProblems(url: string, lang: 'ko' | 'en'): string[] {
  const problems: string[] = [];
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    return [
      lang === 'ko'
        ? `웹훅 URL이 올바른 URL이 아닙니다: ${url}`
        : `The webhook URL is not a valid URL: ${url}`,
    ];
  }
  if (parsed.protocol !== 'https:')
    problems.push(
      lang === 'ko'
        ? '이 URL은 HTTPS가 아닙니다. 시크릿이 평문으로 전송되므로 리버스 프록시(nginx 등)로 HTTPS를 설정하세요.'
        : 'This URL is not HTTPS: the secret would travel in clear text. Put the server behind an HTTPS reverse proxy (nginx, Caddy).',
    );
  if (parsed.port !== '' && parsed.port !== '80' && parsed.port !== '443')
    problems.push(
      lang === 'ko'
        ? `포트 ${parsed.port}: TradingView는 80, 443 포트로만 보냅니다. 프록시를 443에 두고 이 서버로 전달하세요.`
        : `Port ${parsed.port}: TradingView only sends to ports 80 and 443. Listen on 443 with a proxy that forwards to this server.`,
    );
  if (
    parsed.hostname === 'localhost' ||
    /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(parsed.hostname)
  )
    problems.push(
      lang === 'ko'
        ? `${parsed.hostname}은(는) 인터넷에서 접근할 수 없는 주소입니다. TradingView 서버가 접속할 수 있는 공개 주소가 필요합니다.`
        : `${parsed.hostname} cannot be reached from the internet; TradingView's servers need a public address.`,
    );
  return problems;
}

const exitWords = (rule: PineBacktestSettings['stopLoss'], lang: 'ko' | 'en') =>
  rule === undefined
    ? lang === 'ko'
      ? '없음'
      : 'none'
    : rule.type === 'atr'
      ? `${rule.multiplier} × ATR`
      : `${rule.percent} %`;

/**
 * The plan's trailing stop, and how the venues place it: they trail by a percent of the best price,
 * so an ATR offset becomes a percent of the entry when the order is placed (the script keeps
 * trailing by ATR points: the two can part when the ATR changes during the trade).
 */
function trailingLine(rule: NonNullable<PineBacktestSettings['trailing']>, ko: boolean): string {
  const unit = rule.type === 'atr' ? ' × ATR' : ' %';
  return ko
    ? `- 트레일링 스톱: 최고가에서 ${rule.offset}${unit} 뒤, ${rule.activation}${unit} 유리하게 움직인 뒤 시작. 거래소는 최고가 대비 %로 따라가므로 ATR 오프셋은 진입 시점에 진입가 대비 %로 바뀝니다 (Binance, OKX, paper; Bybit는 아직 주문하지 않음)`
    : `- Trailing stop: ${rule.offset}${unit} behind the best price, from ${rule.activation}${unit} in the position's favour. ` +
        'The venues trail by a percent of the best price, so an ATR offset becomes a percent of the entry when the order is placed (Binance, OKX, paper; not placed on Bybit yet)';
}

/**
 * The plan's partial take-profits and break-even move, and what the server places for them: one
 * reduce-only take-profit per partial, its size a share of the entry's filled quantity rounded down
 * to the venue's step (README, "Trade management").
 */
function partialsLine(
  plan: Pick<PineBacktestSettings, 'partialTakeProfits' | 'breakEven'>,
  ko: boolean,
): string {
  const parts = plan.partialTakeProfits.map(
    (p, i) =>
      `TP${i + 1} ${p.qtyPct} % ${ko ? '수량을' : 'of the entry at'} ${exitWords(p.distance, ko ? 'ko' : 'en')}`,
  );
  const breakEven = plan.breakEven
    ? ko
      ? '; 부분 익절이 체결되면 손절가를 진입가로 옮깁니다'
      : '; once one fills, the stop-loss moves to the entry price'
    : '';
  return ko
    ? `- 부분 익절: ${parts.join(', ')}, 나머지는 마지막 익절에서${breakEven}. 거래소에는 부분 익절마다 reduce-only 주문이 하나씩 나가며, 수량은 체결된 진입 수량의 비율을 거래소 단위로 내림한 값입니다`
    : `- Partial take-profits: ${parts.join(', ')}, the rest at the last take-profit${breakEven}. ` +
        "The server places one reduce-only take-profit per partial, its size the share of the entry's filled quantity rounded down to the venue's step";
}

/** The plan and the figures to expect, as a guide section (empty without a plan). */
function planSection(options: SetupGuideOptions): string[] {
  const { plan, expected, lang } = options;
  if (!plan) return [];
  const ko = lang === 'ko';
  const lines = [
    ko
      ? '## 거래 계획 (스크립트의 기본값과 알림에 들어 있음)'
      : "## The trade plan (the script's defaults; every alert states it)",
    `- ${ko ? '레버리지' : 'Leverage'}: ${plan.leverage}x · ${ko ? '증거금' : 'margin'} ${plan.sizePct} % ${ko ? '(자본 대비)' : 'of equity'} · ${ko ? '방향' : 'direction'} ${plan.direction}`,
    `- ${ko ? '손절' : 'Stop-loss'}: ${exitWords(plan.stopLoss, lang)} · ${ko ? '익절' : 'take-profit'}: ${exitWords(plan.takeProfit, lang)} · ATR(${plan.atrPeriod})`,
    `- ${ko ? 'Strategy Tester 속성' : 'Strategy Tester properties'}: ${ko ? '초기 자본' : 'initial capital'} ${plan.initialCapital}, ${ko ? '수수료' : 'commission'} ${plan.commissionPct} %, ${ko ? '슬리피지' : 'slippage'} ${plan.slippageTicks} ${ko ? '틱' : 'ticks'}`,
  ];
  if (plan.trailing !== undefined) lines.push(trailingLine(plan.trailing, ko));
  if (plan.partialTakeProfits.length > 0) lines.push(partialsLine(plan, ko));
  const figures = expected
    ? (
        [
          ['net_profit_pct', ko ? '순이익' : 'Net profit', ' %'],
          ['total_trades', ko ? '총 거래 수' : 'Total closed trades', ''],
          ['win_rate', ko ? '승률' : 'Percent profitable', ' %'],
          ['max_drawdown_pct', ko ? '최대 낙폭' : 'Max drawdown', ' %'],
          ['profit_factor', ko ? '수익 팩터' : 'Profit factor', ''],
        ] as const
      )
        .filter(([key]) => typeof expected[key] === 'number')
        .map(([key, label, unit]) => `  - ${label}: ${Number(expected[key]!.toFixed(2))}${unit}`)
    : [];
  if (figures.length > 0) {
    lines.push(
      ko
        ? '- Strategy Tester에서 기대할 값 (같은 심볼, 타임프레임, 기간에서 TradingBot AI 백테스트가 낸 값):'
        : "- What the Strategy Tester should show (TradingBot AI's backtest of the same symbol, timeframe and date range):",
      ...figures,
    );
  }
  return [...lines, ''];
}

/** Who the alerts go to: the account (and its exchange), or the account group. */
function targetLine({ accountId, groupId, exchange, lang }: SetupGuideOptions): string {
  if (groupId !== undefined)
    return lang === 'ko'
      ? `- 계정 그룹 ID: \`${groupId}\` (알림 하나가 그룹의 모든 계정에서 각 계정의 거래소로 실행됩니다. 시크릿은 그룹의 웹훅 시크릿입니다)`
      : `- Account group id: \`${groupId}\` (each alert runs on every member account, each on its own exchange; the secret is the group's webhook secret)`;
  const account = accountId ?? (lang === 'ko' ? '(내 계정 ID)' : '(your account id)');
  return lang === 'ko'
    ? `- 계정 ID: \`${account}\` (${exchange})`
    : `- Account id: \`${account}\` (${exchange})`;
}

/**
 * The step-by-step webhook setup guide for one account, in Markdown, Korean or English: the URL, creating the alert, TradingView's delivery rules, the
 * paper-exchange dry run, and what each error the webhook answers means and how to fix it.
 */
export function generateWebhookSetupGuide(options: SetupGuideOptions): string {
  const { webhookUrl, lang } = options;
  const ips = TRADINGVIEW_WEBHOOK_IPS.join(', ');
  const warnings = urlProblems(webhookUrl, lang);
  const name = options.strategyName;
  if (lang === 'ko') {
    return [
      `# TradingView 웹훅 설정 가이드${name ? ` — ${name}` : ''}`,
      '',
      `- 웹훅 URL: \`${webhookUrl}\``,
      targetLine(options),
      ...warnings.map((w) => `- ⚠️ ${w}`),
      '',
      ...planSection(options),
      '## 1. 스크립트를 차트에 추가',
      '1. TradingView에서 거래할 심볼의 차트를 엽니다 (예: `BINANCE:BTCUSDT.P`, 백테스트와 같은 타임프레임).',
      '2. 화면 아래 **Pine Editor**를 열고, 내보낸 스크립트 전체를 붙여넣은 뒤 **저장**하고 **차트에 추가**를 누릅니다.',
      '3. **Strategy Tester** 탭에서 거래 목록이 TradingBot AI 백테스트와 같은지 확인합니다.',
      '4. 스크립트를 시크릿 없이 내보냈다면, 저장하기 전에 Pine Editor에서 코드의 `alertSecret = ...` 줄에 있는 `PASTE_YOUR_WEBHOOK_SECRET`을 내 웹훅 시크릿으로 바꾸세요 (스크립트 설정의 입력값이 아니라 코드 안의 문자열입니다).',
      '',
      '## 2. 알림 만들기',
      '1. 오른쪽 **Alerts**(알림, 시계 아이콘) → **Create alert**.',
      '2. **Condition**: 방금 추가한 전략을 선택하고, **Order fills only**(주문 체결만)를 고릅니다.',
      `3. **Message**: 내용을 모두 지우고 정확히 \`${ALERT_MESSAGE}\` 만 입력합니다. 스크립트가 주문마다 웹훅이 받는 JSON을 만들어 둡니다.`,
      `4. **Notifications** → **Webhook URL**을 켜고 \`${webhookUrl}\` 를 입력합니다.`,
      '5. **Create**. 알림 하나로 진입, 청산, 손절/익절이 모두 전송됩니다.',
      '',
      '## 3. TradingView 웹훅 규칙',
      '- 웹훅은 **2단계 인증(2FA)을 켠 유료 플랜**에서만 동작합니다.',
      '- **80, 443 포트**로만 전송하며 IPv6는 쓰지 않습니다. 시크릿 보호를 위해 **HTTPS**를 쓰세요.',
      '- 응답이 **3초**를 넘으면 요청이 취소됩니다. 서버는 신호를 받자마자 응답합니다.',
      '- 서버가 5xx로 답하면 5초 뒤 최대 3번 다시 보냅니다. 한 신호가 4번까지 올 수 있어, 서버는 메시지의 `id`로 **중복을 제거**하고 같은 주문을 두 번 실행하지 않습니다.',
      `- 보내는 주소: ${ips}. 방화벽/프록시 허용 목록에 넣을 수 있습니다(선택).`,
      '- 메시지의 `timestamp`와 `max_lag`(초)로, 늦게 도착한 진입/청산 신호는 거부됩니다.',
      '- 전략 알림은 실시간 체결에서만 울리며, 3분에 15번 넘게 울리면 TradingView가 알림을 멈춥니다.',
      '',
      '## 4. 페이퍼 거래소로 먼저 시험',
      '`paper` 거래소 계정으로 스크립트를 내보내 알림을 만들고, 며칠 동안 신호가 도착하고 주문이 기록되는지 확인한 다음 실제 계정으로 바꾸세요. 실계정도 먼저 테스트넷에서 최소 1주일 운영을 권장합니다.',
      '',
      '## 5. 오류와 해결',
      '| 응답 메시지 | 원인 | 해결 |',
      '|---|---|---|',
      '| `Invalid webhook secret` | 메시지의 `secret`이 계정의 웹훅 시크릿과 다름 | 스크립트의 시크릿(또는 `PASTE_YOUR_WEBHOOK_SECRET`)을 올바른 값으로 바꾸고 알림을 다시 만듭니다 |',
      '| `User not found` | 로그인 토큰/세션 만료 (웹 화면) | 다시 로그인하거나 토큰을 갱신합니다 |',
      '| `Decryption failed` | 서버의 `ENCRYPTION_KEY`가 바뀌어 저장된 API 키를 풀 수 없음 | 백업해 둔 원래 `ENCRYPTION_KEY`를 복구합니다 (분실 시 API 키를 다시 등록) |',
      '| `Insufficient balance` | 거래소 계정의 증거금 부족 | 거래소 선물 지갑에 USDT를 입금하거나 `size_pct`/레버리지를 줄입니다 |',
      '| 오래된 알림 (stale) | `timestamp`가 `max_lag`초보다 오래됨 (TradingView 지연, 서버 시계 오차) | 서버 시계(NTP)를 확인하고, 필요하면 스크립트를 더 큰 max_lag로 다시 내보냅니다 |',
      '| 알 수 없는 계정 | `account_id`가 없는 계정이거나 다른 사용자의 계정 | **API 키** 페이지에 나온 계정 ID로 다시 내보냅니다 |',
      '| 비활성 계정 | 계정이 꺼져 있음 | **API 키** 페이지에서 계정을 활성화합니다 |',
      '',
    ].join('\n');
  }
  return [
    `# TradingView webhook setup${name ? ` — ${name}` : ''}`,
    '',
    `- Webhook URL: \`${webhookUrl}\``,
    targetLine(options),
    ...warnings.map((w) => `- ⚠️ ${w}`),
    '',
    ...planSection(options),
    '## 1. Add the script to the chart',
    '1. Open the chart of the symbol to trade in TradingView (e.g. `BINANCE:BTCUSDT.P`, the timeframe you backtested).',
    '2. Open the **Pine Editor** at the bottom, paste the whole exported script, **Save**, then **Add to chart**.',
    "3. In the **Strategy Tester** tab, check that the trade list matches TradingBot AI's backtest.",
    "4. If you exported without the secret, replace `PASTE_YOUR_WEBHOOK_SECRET` with your webhook secret in the Pine Editor before saving: it is a string in the code, on the `alertSecret = ...` line (not an input in the script's settings).",
    '',
    '## 2. Create the alert',
    '1. **Alerts** (clock icon on the right) → **Create alert**.',
    '2. **Condition**: the strategy you just added, with **Order fills only**.',
    `3. **Message**: delete everything and enter exactly \`${ALERT_MESSAGE}\`. The script builds the JSON our webhook expects for every order.`,
    `4. **Notifications** → enable **Webhook URL** and enter \`${webhookUrl}\`.`,
    '5. **Create**. One alert carries every entry, close, stop-loss and take-profit.',
    '',
    "## 3. TradingView's webhook rules",
    '- Webhooks need a **paid plan with 2-factor authentication (2FA)** enabled.',
    '- Sent only to **ports 80 and 443** (no IPv6). Use **HTTPS** so the secret is not sent in clear text.',
    '- A request taking more than **3 seconds** is cancelled; the server answers as soon as it has the signal.',
    '- A 5xx answer is re-sent after 5 s, up to 3 times: one signal can arrive 4 times, so the server **deduplicates** on the message `id` and never executes an order twice.',
    `- Source addresses: ${ips}. You may put them on a firewall / proxy allow-list (optional).`,
    "- With the message's `timestamp` and `max_lag` (seconds), an entry or close that arrives late is refused.",
    '- Strategy alerts fire on real-time fills only; an alert that triggers more than 15 times in 3 minutes is stopped by TradingView.',
    '',
    '## 4. Try it on the paper exchange first',
    'Export the script for a `paper` account, create the alert, and watch signals arrive and orders get recorded for a few days before switching to a real account. For a real account, run on the testnet for at least a week first.',
    '',
    '## 5. Errors and fixes',
    '| Answer | Cause | Fix |',
    '|---|---|---|',
    "| `Invalid webhook secret` | The message's `secret` is not the account's webhook secret | Put the right secret in the script (replace `PASTE_YOUR_WEBHOOK_SECRET`) and re-create the alert |",
    '| `User not found` | Your login token or session expired (web UI) | Log in again or refresh the token |',
    "| `Decryption failed` | The server's `ENCRYPTION_KEY` changed, so stored API keys cannot be decrypted | Restore the original `ENCRYPTION_KEY` from your backup (if lost, register the API keys again) |",
    '| `Insufficient balance` | Not enough margin on the exchange account | Deposit USDT into the futures wallet, or lower `size_pct` / leverage |',
    '| Stale alert | `timestamp` older than `max_lag` seconds (TradingView delay, server clock off) | Check the server clock (NTP); export again with a larger max_lag if needed |',
    '| Unknown account | `account_id` does not exist or belongs to another user | Export again with the account id shown on the **API keys** page |',
    '| Inactive account | The account is switched off | Activate it on the **API keys** page |',
    '',
  ].join('\n');
}
