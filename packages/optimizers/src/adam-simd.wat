;; Adam's update for tfjs-backend-wasm, in 128-bit SIMD, working in place on the backend's own
;; memory (imported). `adam-simd.ts` holds these bytes, assembled by
;; `node scripts/assemble-wasm.mjs packages/optimizers/src/adam-simd.wat` (wabt, from the repository
;; root); a test checks that they still match this text.
;;
;; update(w, g, m, v, wOut, mOut, vOut, n, alpha, c1, c2, epsilon) writes, for every i, in float32
;; and in the order of the ops of the generic path (so the results are the same, bit for bit):
;;   mOut = m + (g - m) * c1
;;   vOut = v + (g * g - v) * c2
;;   wOut = w - (mOut * alpha) / (sqrt(vOut) + epsilon)
;; All are byte offsets of float32 arrays of n entries in the imported memory.
(module
  (import "env" "memory" (memory 0))
  (func (export "update")
    (param $w i32) (param $g i32) (param $m i32) (param $v i32)
    (param $wOut i32) (param $mOut i32) (param $vOut i32) (param $n i32)
    (param $alpha f32) (param $c1 f32) (param $c2 f32) (param $epsilon f32)
    (local $i i32) (local $end4 i32) (local $end i32)
    (local $av v128) (local $c1v v128) (local $c2v v128) (local $ev v128)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $av (f32x4.splat (local.get $alpha)))
    (local.set $c1v (f32x4.splat (local.get $c1)))
    (local.set $c2v (f32x4.splat (local.get $c2)))
    (local.set $ev (f32x4.splat (local.get $epsilon)))
    (block $done4
      (loop $step4
        (br_if $done4 (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $mv (v128.load (i32.add (local.get $m) (local.get $i))))
        (local.set $vv (v128.load (i32.add (local.get $v) (local.get $i))))
        (local.set $mv (f32x4.add (local.get $mv) (f32x4.mul (f32x4.sub (local.get $gv) (local.get $mv)) (local.get $c1v))))
        (local.set $vv (f32x4.add (local.get $vv)
          (f32x4.mul (f32x4.sub (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $vv)) (local.get $c2v))))
        (v128.store (i32.add (local.get $mOut) (local.get $i)) (local.get $mv))
        (v128.store (i32.add (local.get $vOut) (local.get $i)) (local.get $vv))
        (v128.store (i32.add (local.get $wOut) (local.get $i))
          (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $i)))
            (f32x4.div (f32x4.mul (local.get $mv) (local.get $av))
                       (f32x4.add (f32x4.sqrt (local.get $vv)) (local.get $ev)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $step4)))
    ;; The last n mod 4 entries, one at a time, the same way.
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $ms (f32.load (i32.add (local.get $m) (local.get $i))))
        (local.set $vs (f32.load (i32.add (local.get $v) (local.get $i))))
        (local.set $ms (f32.add (local.get $ms) (f32.mul (f32.sub (local.get $gs) (local.get $ms)) (local.get $c1))))
        (local.set $vs (f32.add (local.get $vs)
          (f32.mul (f32.sub (f32.mul (local.get $gs) (local.get $gs)) (local.get $vs)) (local.get $c2))))
        (f32.store (i32.add (local.get $mOut) (local.get $i)) (local.get $ms))
        (f32.store (i32.add (local.get $vOut) (local.get $i)) (local.get $vs))
        (f32.store (i32.add (local.get $wOut) (local.get $i))
          (f32.sub (f32.load (i32.add (local.get $w) (local.get $i)))
            (f32.div (f32.mul (local.get $ms) (local.get $alpha))
                     (f32.add (f32.sqrt (local.get $vs)) (local.get $epsilon)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $step)))))
