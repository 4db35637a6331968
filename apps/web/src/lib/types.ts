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
export type Balance = Schemas['Balance'];
export type Position = Schemas['Position'];
export type PositionList = Schemas['PositionList'];
export type AccountPnl = Schemas['AccountPnl'];

export type Signal = Schemas['Signal'];
export type Order = Schemas['Order'];
export type SignalList = Schemas['SignalList'];
export type SignalDetail = Schemas['SignalDetail'];

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
