;; Adagrad's update for tfjs-backend-wasm, in 128-bit SIMD, working in place on the backend's own
;; memory (imported). `adagrad-simd.ts` holds these bytes, assembled by
;; `node scripts/assemble-wasm.mjs packages/optimizers/src/adagrad-simd.wat` (wabt, from the
;; repository root); a test checks that they still match this text.
;;
;; update(w, g, acc, wOut, accOut, n, lr, epsilon) writes, for every i, in float32 and in the order
;; of the ops of the generic path (so the results are the same, bit for bit):
;;   accOut = acc + g * g
;;   wOut = w - (g * lr) / sqrt(accOut + epsilon)
;; All but n, lr and epsilon are byte offsets of float32 arrays of n entries in the imported memory.
(module
  (import "env" "memory" (memory 0))
  (func (export "update")
    (param $w i32) (param $g i32) (param $acc i32) (param $wOut i32) (param $accOut i32) (param $n i32)
    (param $lr f32) (param $epsilon f32)
    (local $i i32) (local $end4 i32) (local $end i32)
    (local $lrv v128) (local $ev v128) (local $gv v128) (local $av v128)
    (local $gs f32) (local $as f32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $lrv (f32x4.splat (local.get $lr)))
    (local.set $ev (f32x4.splat (local.get $epsilon)))
    (block $done4
      (loop $step4
        (br_if $done4 (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $av (f32x4.add (v128.load (i32.add (local.get $acc) (local.get $i)))
                                  (f32x4.mul (local.get $gv) (local.get $gv))))
        (v128.store (i32.add (local.get $accOut) (local.get $i)) (local.get $av))
        (v128.store (i32.add (local.get $wOut) (local.get $i))
          (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $i)))
            (f32x4.div (f32x4.mul (local.get $gv) (local.get $lrv))
                       (f32x4.sqrt (f32x4.add (local.get $av) (local.get $ev))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $step4)))
    ;; The last n mod 4 entries, one at a time, the same way.
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $as (f32.add (f32.load (i32.add (local.get $acc) (local.get $i)))
                                (f32.mul (local.get $gs) (local.get $gs))))
        (f32.store (i32.add (local.get $accOut) (local.get $i)) (local.get $as))
        (f32.store (i32.add (local.get $wOut) (local.get $i))
          (f32.sub (f32.load (i32.add (local.get $w) (local.get $i)))
            (f32.div (f32.mul (local.get $gs) (local.get $lr))
                     (f32.sqrt (f32.add (local.get $as) (local.get $epsilon))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $step)))))
