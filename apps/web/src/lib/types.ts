/**
 * Shapes of the API answers the UI reads, named after the server's schemas: every one comes from
 * the OpenAPI document through api-types.ts (generated: `npm run gen:api-types`), none is copied.
 */
import type { components } from './api-types';

type Schemas = components['schemas'];

export type Me = Schemas['User'];
export type LoginResponse = Schemas['LoginResponse'];
export type LoginSuccess = Schemas['LoginSuccess'];
export type TotpEnrolment = Schemas['TotpEnrolment'];
export type RecoveryCodes = Schemas['RecoveryCodes'];
export type TotpStatus = Schemas['TotpStatus'];
export type SessionInfo = Schemas['Session'];
export type SessionList = Schemas['SessionList'];
export type PasswordChanged = Schemas['PasswordChanged'];

export type Account = Schemas['Account'];
export type RegisteredAccount = Schemas['RegisteredAccount'];
export type AccountList = Schemas['AccountList'];
export type ConnectionTest = Schemas['ConnectionTest'];
export type WebhookSecretRotated = Schemas['WebhookSecretRotated'];
export type AccountGroup = Schemas['AccountGroup'];
export type AccountGroupList = Schemas['AccountGroupList'];
export type CreatedAccountGroup = Schemas['CreatedAccountGroup'];
export type AccountGroupSecretRotated = Schemas['AccountGroupSecretRotated'];
export type Balance = Schemas['Balance'];
export type Position = Schemas['Position'];
export type PositionList = Schemas['PositionList'];
export type AccountPnl = Schemas['AccountPnl'];
export type MarketDataState = Schemas['MarketDataState'];
export type PaperMarketData = MarketDataState['source'];

export type Bot = Schemas['Bot'];
export type BotList = Schemas['BotList'];
export type BotDetail = Schemas['BotDetail'];
export type BotDecision = Schemas['BotDecision'];
export type BotChart = Schemas['BotChart'];

export type HistoryTrade = Schemas['HistoryTrade'];
export type HistoryTradeList = Schemas['HistoryTradeList'];
export type HistoryReturns = Schemas['HistoryReturns'];
export type PnlPeriod = Schemas['PnlPeriod'];
export type TradeSummary = Schemas['TradeSummary'];
export type RestingOrder = Schemas['RestingOrder'];
export type RestingOrderList = Schemas['RestingOrderList'];
export type PositionChartData = Schemas['PositionChart'];
export type AccountSettings = Schemas['AccountSettings'];
export type ManualActionAnswer = Schemas['ManualActionAnswer'];
export type PauseAnswer = Schemas['PauseAnswer'];

export type Signal = Schemas['Signal'];
export type Order = Schemas['Order'];
export type SignalList = Schemas['SignalList'];
export type SignalDetail = Schemas['SignalDetail'];
export type RefusedAlert = Schemas['RefusedAlert'];
export type RefusedAlertList = Schemas['RefusedAlertList'];

export type PineExport = Schemas['PineExport'];

export type Localized = Schemas['Localized'];
export type ParamDecl = Schemas['StrategyParam'];
export type StrategyDecl = Schemas['Strategy'];
export type StrategyList = Schemas['StrategyList'];
export type TradeRow = Schemas['Trade'];
export type BacktestMetrics = Schemas['BacktestMetrics'];
export type BacktestResult = Schemas['BacktestResult'];
export type SummaryMetrics = Schemas['MetricsSummary'];
export type OptimizationJob = Schemas['OptimizationJob'];

export type NotificationChannel = Schemas['NotificationChannel'];
export type NotificationChannelCreated = Schemas['NotificationChannelCreated'];
export type NotificationChannelList = Schemas['NotificationChannelList'];
export type NotificationTestResult = Schemas['NotificationTestResult'];
export type ChannelKind = NotificationChannel['kind'];
export type NotifyEventKind = NotificationChannel['events'][number];
export type TelegramStatus = Schemas['TelegramStatus'];
export type TelegramLinkCode = Schemas['TelegramLinkCode'];

export type LabRun = Schemas['LabRun'];
export type LabRunList = Schemas['LabRunList'];
