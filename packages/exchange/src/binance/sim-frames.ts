import Decimal from 'decimal.js';
import type { AccountEvent, FundingPayment, VenueFill } from '../stream/types.ts';
import type { Order, Position, PositionSide } from '../types.ts';
import type { PaperAccountState } from '../paper/index.ts';

/**
 * The paper venue's account events (`PaperExchange.onAccountEvent`) as Binance user-data frames
 * (../shared/reference/streams.md §1.5), for the simulator. The venue emits, per execution: fill,
 * order, positions, balances; Binance reports an execution as one ORDER_TRADE_UPDATE (order state
 * and fill together) and balances with positions as one ACCOUNT_UPDATE, so a fill waits for its
 * order event and positions for their balances. Funding is one ACCOUNT_UPDATE `FUNDING_FEE` per
 * payment: `B` with the balance change `bc`, and `P` with the position only when it is isolated
 * (Binance sends no `P` for a cross position's funding).
 *
 * Conditional orders live in the Algo Service: their state changes are ALGO_UPDATE; when one
 * triggers, its execution arrives as a regular order (ORDER_TRADE_UPDATE, `o` MARKET, `ot` its
 * conditional type) whose id is the algo's `ai`. Simplification: the simulator reuses the algo id
 * as that order's id and the clientAlgoId as its client id (real Binance numbers it separately;
 * its client id is not confirmed, streams.md §1.5).
 */

type Frame = Record<string, unknown>;

export type FrameContext = {
  state: () => PaperAccountState;
  /** Whether an order was placed with closePosition (its qty is "0"). */
  closePosition: (order: Order) => boolean;
};

const WIRE_STATUS: Record<string, string> = {
  new: 'NEW',
  partially_filled: 'PARTIALLY_FILLED',
  filled: 'FILLED',
  canceled: 'CANCELED',
  rejected: 'EXPIRED',
  expired: 'EXPIRED',
  unknown: 'NEW',
};

const EXECUTION: Record<string, string> = {
  new: 'NEW',
  canceled: 'CANCELED',
  rejected: 'EXPIRED',
  expired: 'EXPIRED',
};

const ALGO_STATUS: Record<string, string> = {
  new: 'NEW',
  partially_filled: 'TRIGGERED',
  filled: 'FINISHED',
  canceled: 'CANCELED',
  rejected: 'REJECTED',
  expired: 'EXPIRED',
  unknown: 'NEW',
};

function wireSide(side: PositionSide): 'BOTH' | 'LONG' | 'SHORT' {
  return side === 'long' ? 'LONG' : side === 'short' ? 'SHORT' : 'BOTH';
}

function conditionalType(order: Order): string {
  if (order.type === 'trailing_stop_market') return 'TRAILING_STOP_MARKET';
  return order.type === 'take_profit_market' ? 'TAKE_PROFIT_MARKET' : 'STOP_MARKET';
}

export class BinanceFrameWriter {
  private pendingFill: VenueFill | undefined;
  private pendingPositions: { time: number; positions: Position[]; reason: string } | undefined;

  constructor(
    private readonly context: FrameContext,
    private readonly publish: (frame: Frame) => void,
  ) {}

  /** One venue event in; zero or more frames out (some wait for the event that completes them). */
  write(event: AccountEvent): void {
    if (
      this.pendingFill !== undefined &&
      !(event.kind === 'order' && event.order.venueOrderId === this.pendingFill.venueOrderId)
    ) {
      this.flushFill(undefined, event.time);
    }
    if (this.pendingPositions !== undefined && event.kind !== 'balances') this.flushPositions([]);
    switch (event.kind) {
      case 'fill':
        this.pendingFill = event.fill;
        return;
      case 'order':
        if (this.pendingFill !== undefined) return this.flushFill(event.order, event.time);
        return this.orderChange(event.order, event.time, event.updateTime);
      case 'positions':
        // Funding's positions come with the funding frame itself (isolated only).
        if (event.reason === 'FUNDING_FEE') return;
        this.pendingPositions = {
          time: event.time,
          positions: event.positions,
          reason: event.reason ?? 'ORDER',
        };
        return;
      case 'balances': {
        if (event.reason === 'FUNDING_FEE') {
          this.pendingPositions = undefined;
          return;
        }
        const assets = event.balances.map((b) => b.asset);
        if (this.pendingPositions !== undefined) return this.flushPositions(assets, event.reason);
        // A deposit's or withdrawal's amount goes out as the asset's `bc`, as Binance sends it.
        const moved = event.balances.find((b) => b.change !== undefined);
        const change = moved?.change === undefined ? undefined : { asset: moved.asset, amount: moved.change };
        this.publish(this.accountUpdate(event.time, event.reason ?? 'ORDER', assets, [], change));
        return;
      }
      case 'funding':
        return this.funding(event.payment);
      case 'margin_call':
        return this.marginCall(event.time, event.venueSymbol);
    }
  }

  private orderChange(order: Order, time: number, updateTime: number): void {
    if (order.isAlgo) {
      this.publish(this.algoUpdate(order, time, updateTime));
      return;
    }
    const execution = EXECUTION[order.status];
    if (execution === undefined) return; // fills report these states
    this.publish(this.orderTradeUpdate(order, time, updateTime, execution, undefined));
  }

  private flushFill(order: Order | undefined, time: number): void {
    const fill = this.pendingFill as VenueFill;
    this.pendingFill = undefined;
    const view: Order = order ?? {
      venueOrderId: fill.venueOrderId,
      clientOrderId: fill.clientOrderId,
      venueSymbol: fill.venueSymbol,
      side: fill.side,
      positionSide: fill.positionSide,
      type: 'market',
      status: 'filled',
      qty: fill.qty,
      filledQty: fill.qty,
      avgPrice: fill.price,
      reduceOnly: false,
      isAlgo: false,
    };
    if (view.isAlgo) {
      // The algo order triggered: its order reaches the engine (NEW), then trades.
      const firstTrade = new Decimal(view.filledQty).eq(fill.qty);
      if (firstTrade) {
        this.publish(this.algoUpdate({ ...view, status: 'partially_filled' }, time, fill.time));
        this.publish(
          this.orderTradeUpdate(
            { ...view, status: 'new', filledQty: '0' },
            time,
            fill.time,
            'NEW',
            undefined,
          ),
        );
      }
      this.publish(this.orderTradeUpdate(view, time, fill.time, 'TRADE', fill));
      if (view.status === 'filled') this.publish(this.algoUpdate(view, time, fill.time));
      return;
    }
    this.publish(
      this.orderTradeUpdate(
        view,
        time,
        fill.time,
        fill.cause === 'liquidation' ? 'CALCULATED' : 'TRADE',
        fill,
      ),
    );
  }

  private flushPositions(assets: string[], reason?: string): void {
    const pending = this.pendingPositions;
    this.pendingPositions = undefined;
    if (pending === undefined) return;
    this.publish(
      this.accountUpdate(pending.time, reason ?? pending.reason, assets, pending.positions, undefined),
    );
  }

  private orderTradeUpdate(
    order: Order,
    time: number,
    updateTime: number,
    execution: string,
    fill: VenueFill | undefined,
  ): Frame {
    const algoTriggered = order.isAlgo;
    const liquidation = fill?.cause === 'liquidation';
    const adl = fill?.cause === 'adl';
    const type =
      liquidation || adl
        ? 'LIQUIDATION'
        : algoTriggered
          ? 'MARKET'
          : order.type === 'limit'
            ? 'LIMIT'
            : 'MARKET';
    const originalType = algoTriggered ? conditionalType(order) : type;
    let clientOrderId = order.clientOrderId;
    if (liquidation && !clientOrderId.startsWith('autoclose-'))
      clientOrderId = `autoclose-${order.venueOrderId}`;
    if (adl && !clientOrderId.startsWith('adl_autoclose')) clientOrderId = 'adl_autoclose';
    const qty =
      this.context.closePosition(order) || new Decimal(order.qty).isZero() ? order.filledQty : order.qty;
    return {
      e: 'ORDER_TRADE_UPDATE',
      E: time,
      T: updateTime,
      o: {
        s: order.venueSymbol,
        c: clientOrderId,
        S: order.side === 'buy' ? 'BUY' : 'SELL',
        o: type,
        f: 'GTC',
        q: qty,
        p: order.price ?? '0',
        ap: order.avgPrice ?? '0',
        sp: algoTriggered ? (order.triggerPrice ?? '0') : '0',
        x: execution,
        X: WIRE_STATUS[order.status] ?? 'NEW',
        i: Number(order.venueOrderId),
        l: fill?.qty ?? '0',
        z: order.filledQty,
        L: fill?.price ?? '0',
        N: fill?.feeAsset ?? 'USDT',
        n: fill?.fee ?? '0',
        T: updateTime,
        t: fill === undefined ? 0 : Number(fill.venueTradeId),
        b: '0',
        a: '0',
        m: fill?.liquidity === 'maker',
        R: order.reduceOnly,
        wt: 'CONTRACT_PRICE',
        ot: originalType,
        ps: wireSide(order.positionSide),
        cp: this.context.closePosition(order),
        ...(order.type === 'trailing_stop_market'
          ? { AP: order.activationPrice ?? '0', cr: order.callbackRatePct ?? '0' }
          : {}),
        rp: fill?.realizedPnl ?? '0',
        pP: false,
        si: 0,
        ss: 0,
        V: 'EXPIRE_MAKER',
        pm: 'NONE',
        gtd: 0,
        er: '0',
      },
    };
  }

  private algoUpdate(order: Order, time: number, updateTime: number): Frame {
    const triggered = order.status === 'filled' || order.status === 'partially_filled';
    return {
      e: 'ALGO_UPDATE',
      T: updateTime,
      E: time,
      o: {
        caid: order.clientOrderId,
        aid: Number(order.venueOrderId),
        at: 'CONDITIONAL',
        o: conditionalType(order),
        s: order.venueSymbol,
        S: order.side === 'buy' ? 'BUY' : 'SELL',
        ps: wireSide(order.positionSide),
        f: 'GTC',
        q: order.qty,
        X: ALGO_STATUS[order.status] ?? 'NEW',
        ai: triggered ? order.venueOrderId : '',
        ap: order.avgPrice ?? '0',
        aq: order.filledQty,
        act: triggered ? 'MARKET' : '0',
        tp: order.triggerPrice ?? '0',
        p: '0',
        V: 'EXPIRE_MAKER',
        wt: 'CONTRACT_PRICE',
        pm: 'NONE',
        cp: this.context.closePosition(order),
        pP: false,
        R: order.reduceOnly,
        ...(order.type === 'trailing_stop_market'
          ? { AP: order.activationPrice ?? '0', cr: order.callbackRatePct ?? '0' }
          : {}),
        tt: triggered ? updateTime : 0,
        gtd: 0,
        rm: '',
      },
    };
  }

  private balanceRows(assets: string[], change?: { asset: string; amount: string }): Frame[] {
    const state = this.context.state();
    return assets.map((asset) => {
      const b = state.balances.find((x) => x.asset === asset);
      return {
        a: asset,
        wb: b?.wallet ?? '0',
        cw: b?.crossWallet ?? '0',
        bc: change !== undefined && change.asset === asset ? change.amount : '0',
      };
    });
  }

  private positionRows(positions: Position[]): Frame[] {
    const state = this.context.state();
    return positions.map((p) => {
      const held = state.positions.find((x) => x.venueSymbol === p.venueSymbol && x.side === p.side);
      return {
        s: p.venueSymbol,
        pa: p.qty,
        ep: p.entryPrice,
        bep: p.entryPrice,
        cr: '0',
        up: p.unrealizedPnl,
        mt: p.marginMode === 'isolated' ? 'isolated' : 'cross',
        iw: held?.isolatedMargin ?? '0',
        ps: wireSide(p.side),
      };
    });
  }

  private accountUpdate(
    time: number,
    reason: string,
    assets: string[],
    positions: Position[],
    change: { asset: string; amount: string } | undefined,
  ): Frame {
    return {
      e: 'ACCOUNT_UPDATE',
      E: time,
      T: time,
      a: { m: reason, B: this.balanceRows(assets, change), P: this.positionRows(positions) },
    };
  }

  private funding(payment: FundingPayment): void {
    const state = this.context.state();
    const isolated = state.positions.filter(
      (p) => p.venueSymbol === payment.venueSymbol && p.marginMode === 'isolated',
    );
    const positions: Position[] = isolated.map((p) => ({
      venueSymbol: p.venueSymbol,
      side: p.side,
      qty: p.qty,
      entryPrice: p.entryPrice,
      markPrice: p.markPrice,
      unrealizedPnl: p.unrealizedPnl,
      leverage: p.leverage,
      marginMode: p.marginMode,
    }));
    this.publish(
      this.accountUpdate(payment.time, 'FUNDING_FEE', [payment.asset], positions, {
        asset: payment.asset,
        amount: payment.amount,
      }),
    );
  }

  private marginCall(time: number, venueSymbol: string | undefined): void {
    const state = this.context.state();
    const rows = state.positions
      .filter((p) => venueSymbol === undefined || p.venueSymbol === venueSymbol)
      .map((p) => ({
        s: p.venueSymbol,
        ps: wireSide(p.side),
        pa: p.qty,
        mt: p.marginMode === 'isolated' ? 'ISOLATED' : 'CROSSED',
        iw: p.isolatedMargin ?? '0',
        mp: p.markPrice,
        up: p.unrealizedPnl,
        mm: p.maintenanceMargin,
      }));
    const usdt = state.balances.find((b) => b.asset === 'USDT');
    this.publish({ e: 'MARGIN_CALL', E: time, cw: usdt?.crossWallet ?? '0', p: rows });
  }
}
