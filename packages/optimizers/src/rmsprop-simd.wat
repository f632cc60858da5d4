;; RMSprop's update for tfjs-backend-wasm, in 128-bit SIMD, working in place on the backend's own
;; memory (imported). `rmsprop-simd.ts` holds these bytes, assembled by
;; `node scripts/assemble-wasm.mjs packages/optimizers/src/rmsprop-simd.wat` (wabt, from the
;; repository root); a test checks that they still match this text.
;;
;; update(w, g, vel, mom, avg, wOut, velOut, momOut, avgOut, n, lr, rho, oneMinusRho, epsilon,
;; momentum, centered, hasMomentum) writes, for every i, in float32 and in the order of the ops of
;; the generic path (so the results are the same, bit for bit):
;;   velOut = vel * rho + (g * g) * oneMinusRho
;;   avgOut = avg * rho + g * oneMinusRho              (centered = 1)
;;   d = (velOut - avgOut * avgOut) + epsilon          (centered = 1)
;;   d = velOut + epsilon                              (centered = 0)
;;   increment = (g * lr) / sqrt(d)
;;   momOut = mom * momentum + increment               (hasMomentum = 1)
;;   wOut = w - momOut                                 (hasMomentum = 1)
;;   wOut = w - increment                              (hasMomentum = 0)
;; The pointers are byte offsets of float32 arrays of n entries in the imported memory; `mom`,
;; `momOut` are read only with hasMomentum, `avg`, `avgOut` only when centered.
(module
  (import "env" "memory" (memory 0))
  (func (export "update")
    (param $w i32) (param $g i32) (param $vel i32) (param $mom i32) (param $avg i32)
    (param $wOut i32) (param $velOut i32) (param $momOut i32) (param $avgOut i32) (param $n i32)
    (param $lr f32) (param $rho f32) (param $omr f32) (param $epsilon f32) (param $momentum f32)
    (param $centered i32) (param $hasMomentum i32)
    (local $i i32) (local $end4 i32) (local $end i32)
    (local $lrv v128) (local $rhov v128) (local $omrv v128) (local $ev v128) (local $mv v128)
    (local $gv v128) (local $vv v128) (local $av v128) (local $dv v128) (local $iv v128)
    (local $gs f32) (local $vs f32) (local $as f32) (local $ds f32) (local $is f32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $lrv (f32x4.splat (local.get $lr)))
    (local.set $rhov (f32x4.splat (local.get $rho)))
    (local.set $omrv (f32x4.splat (local.get $omr)))
    (local.set $ev (f32x4.splat (local.get $epsilon)))
    (local.set $mv (f32x4.splat (local.get $momentum)))
    (block $done4
      (loop $step4
        (br_if $done4 (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $vv (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $vel) (local.get $i))) (local.get $rhov))
                                  (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $omrv))))
        (v128.store (i32.add (local.get $velOut) (local.get $i)) (local.get $vv))
        (if (local.get $centered)
          (then
            (local.set $av (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $avg) (local.get $i))) (local.get $rhov))
                                      (f32x4.mul (local.get $gv) (local.get $omrv))))
            (v128.store (i32.add (local.get $avgOut) (local.get $i)) (local.get $av))
            (local.set $dv (f32x4.add (f32x4.sub (local.get $vv) (f32x4.mul (local.get $av) (local.get $av))) (local.get $ev))))
          (else
            (local.set $dv (f32x4.add (local.get $vv) (local.get $ev)))))
        (local.set $iv (f32x4.div (f32x4.mul (local.get $gv) (local.get $lrv)) (f32x4.sqrt (local.get $dv))))
        (if (local.get $hasMomentum)
          (then
            (local.set $iv (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $mom) (local.get $i))) (local.get $mv))
                                      (local.get $iv)))
            (v128.store (i32.add (local.get $momOut) (local.get $i)) (local.get $iv))))
        (v128.store (i32.add (local.get $wOut) (local.get $i))
          (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $i))) (local.get $iv)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $step4)))
    ;; The last n mod 4 entries, one at a time, the same way.
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $vs (f32.add (f32.mul (f32.load (i32.add (local.get $vel) (local.get $i))) (local.get $rho))
                                (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $omr))))
        (f32.store (i32.add (local.get $velOut) (local.get $i)) (local.get $vs))
        (if (local.get $centered)
          (then
            (local.set $as (f32.add (f32.mul (f32.load (i32.add (local.get $avg) (local.get $i))) (local.get $rho))
                                    (f32.mul (local.get $gs) (local.get $omr))))
            (f32.store (i32.add (local.get $avgOut) (local.get $i)) (local.get $as))
            (local.set $ds (f32.add (f32.sub (local.get $vs) (f32.mul (local.get $as) (local.get $as))) (local.get $epsilon))))
          (else
            (local.set $ds (f32.add (local.get $vs) (local.get $epsilon)))))
        (local.set $is (f32.div (f32.mul (local.get $gs) (local.get $lr)) (f32.sqrt (local.get $ds))))
        (if (local.get $hasMomentum)
          (then
            (local.set $is (f32.add (f32.mul (f32.load (i32.add (local.get $mom) (local.get $i))) (local.get $momentum))
                                    (local.get $is)))
            (f32.store (i32.add (local.get $momOut) (local.get $i)) (local.get $is))))
        (f32.store (i32.add (local.get $wOut) (local.get $i))
          (f32.sub (f32.load (i32.add (local.get $w) (local.get $i))) (local.get $is)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $step)))))
