/**
 * `@tradingbot/exchange/sim`: the wire simulators and what they are built from, kept out of the
 * product entry point (`@tradingbot/exchange`). Tests, the benchmark and `tradingbot sim` import it.
 */
export * from './simulators.ts';
export { FaultQueue, type FaultMatch } from './faults.ts';
export { listenSimulator, type ListeningSimulator } from './server.ts';
export { isTextPing, parseFrame, StreamHub, type StreamControl, type StreamHubOptions } from './streams.ts';
export {
  SimulatorDialect,
  serveDialect,
  parseControlCandles,
  SIM_CANDLES_PER_REQUEST,
  type RunningWireSimulator,
  type SharedFaultKind,
  type WireReply,
  type WireRequest,
  type WireRequestLog,
  type WireRoute,
  type WireSimulatorOptions,
} from './pipeline.ts';
export {
  aggregateCandles,
  freshPaperVenue,
  servedCandles,
  syntheticCandle,
  type Candle,
  type FreshVenueOptions,
  type SimCandles,
} from './candles.ts';
export {
  startBinanceSimulator,
  SIM_DEFAULT_PRICES,
  type BinanceSimulator,
  type BinanceSimulatorOptions,
  type FaultRule,
  type FaultKind,
  type SimFaults,
  type SimRequestLog,
} from '../binance/simulator.ts';
export {
  startOkxSimulator,
  OKX_SIM_DEFAULT_PRICES,
  type OkxSimulator,
  type OkxSimulatorOptions,
  type OkxFaultRule,
  type OkxFaultKind,
  type OkxSimFaults,
  type OkxSimRequestLog,
} from '../okx/simulator.ts';
export {
  startBybitSimulator,
  BYBIT_SIM_DEFAULT_PRICES,
  type BybitSimulator,
  type BybitSimulatorOptions,
  type BybitFaultRule,
  type BybitFaultKind,
  type BybitSimFaults,
  type BybitSimRequestLog,
} from '../bybit/simulator.ts';
