;; The engine's WebAssembly kernels: sliding-window extremes of (high, low) for the Donchian
;; midline, the Ichimoku lines and the stochastic, and the broker's equity extremes. Source of
;; kernels.wasm.ts (npm run build:wasm; a test checks they match); kernels.ts lends the instance.
;;
;; Why WebAssembly: a running max or min in JavaScript compiles to compare-and-branch, and on price
;; and equity data those branches mispredict (about 8 ns a bar for a window on our machines).
;; f64x2.pmax is one branch-free maxpd, and its two lanes carry two extremes at once: a negated
;; series' maximum is minus its minimum. Exact: comparisons, negations and the same arithmetic
;; as the JavaScript it replaces, in the same order.
;;
;; Inputs never hold NaN where that matters (the callers check, and keep a JavaScript path). Every
;; address is a byte offset into this module's memory; the caller lays the regions out.
(module
  (memory (export "memory") 1)

  ;; out[i] = (highest high, -lowest low) of bars i-len+1 .. i, for len-1 <= i < n (16 bytes a
  ;; bar; nothing is written during the warm-up). Van Herk / Gil-Werman: in blocks of len bars,
  ;; the window ending at i is the tail of one block (suffix[i-len+1], suffix extremes computed
  ;; backwards) and the head of the next (the running extreme m). `suffix` holds 16 bytes a bar.
  ;; Ties keep the earlier operand, as the JavaScript `v > m ? v : m` does. A bar is the vector
  ;; (high[i], -low[i]), built inline: V8 does not inline calls between WebAssembly functions.
  (func (export "extremes")
    (param $hi i32) (param $lo i32) (param $n i32) (param $len i32) (param $suffix i32) (param $out i32)
    (local $start i32) (local $end i32) (local $i i32) (local $warm i32) (local $m v128)
    ;; Suffix extremes, block by block, backwards within each block.
    (block $suffixDone
      (loop $suffixBlocks
        (br_if $suffixDone (i32.ge_u (local.get $start) (local.get $n)))
        (local.set $end (i32.add (local.get $start) (local.get $len)))
        (if (i32.gt_u (local.get $end) (local.get $n)) (then (local.set $end (local.get $n))))
        (local.set $m (v128.const f64x2 -inf -inf))
        (local.set $i (local.get $end))
        (block $blockDone
          (loop $bars
            (br_if $blockDone (i32.le_u (local.get $i) (local.get $start)))
            (local.set $i (i32.sub (local.get $i) (i32.const 1)))
            (local.set $m (f64x2.pmax (local.get $m) (f64x2.replace_lane 1
                (f64x2.splat (f64.load (i32.add (local.get $hi) (i32.shl (local.get $i) (i32.const 3)))))
                (f64.neg (f64.load (i32.add (local.get $lo) (i32.shl (local.get $i) (i32.const 3))))))))
            (v128.store (i32.add (local.get $suffix) (i32.shl (local.get $i) (i32.const 4))) (local.get $m))
            (br $bars)))
        (local.set $start (local.get $end))
        (br $suffixBlocks)))
    ;; Running extremes forwards, each block from scratch; from bar len-1 on, the window's extreme.
    (local.set $warm (i32.sub (local.get $len) (i32.const 1)))
    (local.set $start (i32.const 0))
    (block $prefixDone
      (loop $prefixBlocks
        (br_if $prefixDone (i32.ge_u (local.get $start) (local.get $n)))
        (local.set $end (i32.add (local.get $start) (local.get $len)))
        (if (i32.gt_u (local.get $end) (local.get $n)) (then (local.set $end (local.get $n))))
        (local.set $m (v128.const f64x2 -inf -inf))
        (local.set $i (local.get $start))
        (block $blockDone
          (loop $bars
            (br_if $blockDone (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $m (f64x2.pmax (local.get $m) (f64x2.replace_lane 1
                (f64x2.splat (f64.load (i32.add (local.get $hi) (i32.shl (local.get $i) (i32.const 3)))))
                (f64.neg (f64.load (i32.add (local.get $lo) (i32.shl (local.get $i) (i32.const 3))))))))
            (if (i32.ge_u (local.get $i) (local.get $warm))
              (then
                (v128.store
                  (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 4)))
                  (f64x2.pmax
                    (local.get $m)
                    (v128.load
                      (i32.add (local.get $suffix) (i32.shl (i32.sub (local.get $i) (local.get $warm)) (i32.const 4))))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $bars)))
        (local.set $start (local.get $end))
        (br $prefixBlocks))))

  ;; out[i] = (lowest + highest) / 2 of the union of the windows in pairs[i] and pairs[i-gap]
  ;; (gap 0: of pairs[i] alone), for from <= i < n; 8 bytes a bar. With the low lane negated,
  ;; highest - (-lowest) is the sum JavaScript's (lo + hi) / 2 takes, and * 0.5 is exactly / 2.
  (func (export "midline")
    (param $pairs i32) (param $gap i32) (param $from i32) (param $n i32) (param $out i32)
    (local $i i32) (local $v v128)
    (local.set $i (local.get $from))
    (block $done
      (loop $bars
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $v
          (f64x2.pmax
            (v128.load (i32.add (local.get $pairs) (i32.shl (local.get $i) (i32.const 4))))
            (v128.load
              (i32.add (local.get $pairs) (i32.shl (i32.sub (local.get $i) (local.get $gap)) (i32.const 4))))))
        (f64.store
          (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3)))
          (f64.mul
            (f64.sub (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v)))
            (f64.const 0.5)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $bars))))
  ;; The largest drawdown and run-up of the equity curve eq[0 .. n-1] (8 bytes a bar) that starts
  ;; at `capital`, written to out as four f64: drawdown, drawdown %, run-up, run-up %. Lane 0
  ;; follows the running peak of eq, lane 1 the running peak of -eq (minus the running trough), so
  ;; one pmax tracks both and peak - x is, exactly, peak - eq in lane 0 and eq - trough in lane 1.
  ;; A percentage is of |peak| (the peak, the trough), and 0 while that is not positive.
  (func (export "equityExtremes") (param $eq i32) (param $n i32) (param $capital f64) (param $out i32)
    (local $i i32) (local $x v128) (local $peak v128) (local $d v128) (local $pct v128)
    (local $maxAbs v128) (local $maxPct v128)
    (local.set $peak (f64x2.replace_lane 1 (f64x2.splat (local.get $capital)) (f64.neg (local.get $capital))))
    (block $done
      (loop $bars
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (f64x2.splat (f64.load (i32.add (local.get $eq) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $x (f64x2.replace_lane 1 (local.get $x) (f64.neg (f64x2.extract_lane 1 (local.get $x)))))
        (local.set $peak (f64x2.pmax (local.get $peak) (local.get $x)))
        (local.set $d (f64x2.sub (local.get $peak) (local.get $x)))
        (local.set $maxAbs (f64x2.pmax (local.get $maxAbs) (local.get $d)))
        ;; (peak, trough) > 0: lane 0 peak > 0, lane 1 -trough < 0
        (local.set $pct
          (v128.and
            (f64x2.mul (f64x2.div (local.get $d) (f64x2.abs (local.get $peak))) (v128.const f64x2 100 100))
            (f64x2.gt (f64x2.mul (local.get $peak) (v128.const f64x2 1 -1)) (v128.const f64x2 0 0))))
        (local.set $maxPct (f64x2.pmax (local.get $maxPct) (local.get $pct)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $bars)))
    (f64.store (local.get $out) (f64x2.extract_lane 0 (local.get $maxAbs)))
    (f64.store offset=8 (local.get $out) (f64x2.extract_lane 0 (local.get $maxPct)))
    (f64.store offset=16 (local.get $out) (f64x2.extract_lane 1 (local.get $maxAbs)))
    (f64.store offset=24 (local.get $out) (f64x2.extract_lane 1 (local.get $maxPct))))
  ;; 1 when any of the `count` f64 values from `at` is NaN, else 0: NaN is the one value that
  ;; differs from itself. Four vectors a step, so the compares do not wait on each other.
  (func (export "anyNaN") (param $at i32) (param $count i32) (result i32)
    (local $end i32) (local $acc v128) (local $acc2 v128)
    (local.set $end (i32.add (local.get $at) (i32.shl (local.get $count) (i32.const 3))))
    (block $done
      (loop $quads
        (br_if $done (i32.lt_u (i32.sub (local.get $end) (local.get $at)) (i32.const 64)))
        (local.set $acc (v128.or (local.get $acc)
          (v128.or
            (f64x2.ne (v128.load (local.get $at)) (v128.load (local.get $at)))
            (f64x2.ne (v128.load offset=16 (local.get $at)) (v128.load offset=16 (local.get $at))))))
        (local.set $acc2 (v128.or (local.get $acc2)
          (v128.or
            (f64x2.ne (v128.load offset=32 (local.get $at)) (v128.load offset=32 (local.get $at)))
            (f64x2.ne (v128.load offset=48 (local.get $at)) (v128.load offset=48 (local.get $at))))))
        (local.set $at (i32.add (local.get $at) (i32.const 64)))
        (br $quads)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $acc (v128.or (local.get $acc)
          (f64x2.ne (f64x2.splat (f64.load (local.get $at))) (f64x2.splat (f64.load (local.get $at))))))
        (local.set $at (i32.add (local.get $at) (i32.const 8)))
        (br $tail)))
    (v128.any_true (v128.or (local.get $acc) (local.get $acc2))))
  ;; out[i] = the raw stochastic 100 (close - lowest) / (highest - lowest) of the windows in pairs,
  ;; for from <= i < n (8 bytes a bar): a flat window (highest = lowest) repeats the previous value
  ;; (NaN before the first); a NaN close gives NaN and leaves the previous value as it was. The
  ;; same arithmetic as stochFromRange in oscillators.ts, with selects for its branches.
  (func (export "stoch") (param $close i32) (param $pairs i32) (param $from i32) (param $n i32) (param $out i32)
    (local $i i32) (local $p v128) (local $l f64) (local $c f64) (local $diff f64) (local $prev f64)
    (local $next f64) (local $naClose i32)
    (local.set $prev (f64.const nan))
    (local.set $i (local.get $from))
    (block $done
      (loop $bars
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (v128.load (i32.add (local.get $pairs) (i32.shl (local.get $i) (i32.const 4)))))
        (local.set $l (f64.neg (f64x2.extract_lane 1 (local.get $p))))
        (local.set $c (f64.load (i32.add (local.get $close) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $diff (f64.sub (f64x2.extract_lane 0 (local.get $p)) (local.get $l)))
        (local.set $next
          (select
            (local.get $prev)
            (f64.div (f64.mul (f64.const 100) (f64.sub (local.get $c) (local.get $l))) (local.get $diff))
            (f64.eq (local.get $diff) (f64.const 0))))
        (local.set $naClose (f64.ne (local.get $c) (local.get $c)))
        (local.set $prev (select (local.get $prev) (local.get $next) (local.get $naClose)))
        (f64.store
          (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3)))
          (select (f64.const nan) (local.get $prev) (local.get $naClose)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $bars)))))
