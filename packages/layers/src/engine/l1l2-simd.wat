;; The fused L1L2 penalty pass for tfjs-backend-wasm, in 128-bit SIMD, working in place on the
;; backend's own memory (imported). `l1l2-simd.ts` holds these bytes, assembled by
;; `node scripts/assemble-wasm.mjs packages/layers/src/engine/l1l2-simd.wat` (wabt, from the
;; repository root); a test checks that they still match this text.
;;
;; pass(x, g, out, n, a, b, flags) -> sum of x^2. Flags: 1 = write the
;; gradient, 2 = the L1 part (sum |x|, left in the exported global `abs`, and the sign term).
;; With flag 1 it writes, for every i,
;;   out[i] = g[i] + b * x[i] (+ a * sign(x[i]) with flag 2)     in float32.
;; x, g and out are byte offsets of float32 arrays of n entries in the imported memory.
;;
;; The sums are float32 within blocks of 256 entries and float64 across blocks: float64 for every
;; entry (promoting each one) measured slower than the six tfjs-backend-wasm kernels it replaces.
(module
  (import "env" "memory" (memory 0))
  (global $abs (export "abs") (mut f64) (f64.const 0))

  (func (export "pass")
    (param $x i32) (param $g i32) (param $out i32) (param $n i32)
    (param $a f32) (param $b f32) (param $flags i32)
    (result f64)
    (local $end8 i32) (local $end i32) (local $blockEnd i32) (local $grad i32) (local $l1 i32)
    (local $v v128) (local $w v128) (local $u v128)
    (local $fs0 v128) (local $fs1 v128) (local $fa0 v128) (local $fa1 v128) (local $sq v128) (local $ab v128)
    (local $av v128) (local $bv v128) (local $zero v128) ;; locals start at zero; $zero stays so
    (local $s f32) (local $d f64) (local $sqTail f64) (local $abTail f64) (local $rs f32)
    (local.set $grad (i32.and (local.get $flags) (i32.const 1)))
    (local.set $l1 (i32.and (local.get $flags) (i32.const 2)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end8 (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 2))))
    (local.set $av (f32x4.splat (local.get $a)))
    (local.set $bv (f32x4.splat (local.get $b)))
    ;; Blocks of up to 256 entries, eight a step: float32 sums within a block (two accumulators, so
    ;; a step does not wait for the previous step's addition), added to float64 sums after it.
    (block $done8
      (loop $blocks
        (br_if $done8 (i32.ge_u (local.get $x) (local.get $end8)))
        (local.set $blockEnd (i32.add (local.get $x) (i32.const 1024)))
        (if (i32.gt_u (local.get $blockEnd) (local.get $end8)) (then (local.set $blockEnd (local.get $end8))))
        (local.set $fs0 (local.get $zero))
        (local.set $fs1 (local.get $zero))
        (local.set $fa0 (local.get $zero))
        (local.set $fa1 (local.get $zero))
        (loop $step8
          (local.set $v (v128.load (local.get $x)))
          (local.set $w (v128.load offset=16 (local.get $x)))
          (local.set $fs0 (f32x4.add (local.get $fs0) (f32x4.mul (local.get $v) (local.get $v))))
          (local.set $fs1 (f32x4.add (local.get $fs1) (f32x4.mul (local.get $w) (local.get $w))))
          (if (local.get $l1)
            (then
              (local.set $fa0 (f32x4.add (local.get $fa0) (f32x4.abs (local.get $v))))
              (local.set $fa1 (f32x4.add (local.get $fa1) (f32x4.abs (local.get $w))))))
          (if (local.get $grad)
            (then
            (local.set $u (f32x4.add (v128.load offset=0 (local.get $g)) (f32x4.mul (local.get $bv) (local.get $v))))
            (if (local.get $l1)
              (then
                ;; sign: (v < 0 mask: -1) - (v > 0 mask: -1) as integers, then as floats.
                (local.set $u (f32x4.add (local.get $u) (f32x4.mul (local.get $av)
                  (f32x4.convert_i32x4_s
                    (i32x4.sub (f32x4.lt (local.get $v) (local.get $zero))
                               (f32x4.gt (local.get $v) (local.get $zero)))))))))
            (v128.store offset=0 (local.get $out) (local.get $u))
            (local.set $u (f32x4.add (v128.load offset=16 (local.get $g)) (f32x4.mul (local.get $bv) (local.get $w))))
            (if (local.get $l1)
              (then
                ;; sign: (v < 0 mask: -1) - (v > 0 mask: -1) as integers, then as floats.
                (local.set $u (f32x4.add (local.get $u) (f32x4.mul (local.get $av)
                  (f32x4.convert_i32x4_s
                    (i32x4.sub (f32x4.lt (local.get $w) (local.get $zero))
                               (f32x4.gt (local.get $w) (local.get $zero)))))))))
            (v128.store offset=16 (local.get $out) (local.get $u))
              (local.set $g (i32.add (local.get $g) (i32.const 32)))
              (local.set $out (i32.add (local.get $out) (i32.const 32)))))
          (local.set $x (i32.add (local.get $x) (i32.const 32)))
          (br_if $step8 (i32.lt_u (local.get $x) (local.get $blockEnd))))
        (local.set $fs0 (f32x4.add (local.get $fs0) (local.get $fs1)))
        (local.set $sq (f64x2.add (local.get $sq) (f64x2.add (f64x2.promote_low_f32x4 (local.get $fs0))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $fs0) (local.get $fs0))))))
        (local.set $fa0 (f32x4.add (local.get $fa0) (local.get $fa1)))
        (local.set $ab (f64x2.add (local.get $ab) (f64x2.add (f64x2.promote_low_f32x4 (local.get $fa0))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $fa0) (local.get $fa0))))))
        (br $blocks)))
    ;; The last n mod 8 entries, one at a time.
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $s (f32.load (local.get $x)))
        (local.set $d (f64.promote_f32 (local.get $s)))
        (local.set $sqTail (f64.add (local.get $sqTail) (f64.mul (local.get $d) (local.get $d))))
        (local.set $abTail (f64.add (local.get $abTail) (f64.abs (local.get $d))))
        (if (local.get $grad)
          (then
            (local.set $rs (f32.add (f32.load (local.get $g)) (f32.mul (local.get $b) (local.get $s))))
            (if (local.get $l1)
              (then
                (local.set $rs (f32.add (local.get $rs)
                  (f32.mul (local.get $a)
                    (f32.convert_i32_s (i32.sub (f32.gt (local.get $s) (f32.const 0)) (f32.lt (local.get $s) (f32.const 0)))))))))
            (f32.store (local.get $out) (local.get $rs))
            (local.set $g (i32.add (local.get $g) (i32.const 4)))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $step)))
    (global.set $abs (f64.add (local.get $abTail)
      (f64.add (f64x2.extract_lane 0 (local.get $ab)) (f64x2.extract_lane 1 (local.get $ab)))))
    (f64.add (local.get $sqTail)
      (f64.add (f64x2.extract_lane 0 (local.get $sq)) (f64x2.extract_lane 1 (local.get $sq))))))
