;; SGD's update with momentum for tfjs-backend-wasm, in 128-bit SIMD, working in place on the
;; backend's own memory (imported). `sgd-simd.ts` holds these bytes, assembled by
;; `node scripts/assemble-wasm.mjs packages/optimizers/src/sgd-simd.wat` (wabt, from the repository
;; root); a test checks that they still match this text.
;;
;; update(w, g, velocity, wOut, velocityOut, n, lr, momentum, nesterov) writes, for every i, in
;; float32 and in the order of the ops of the generic path (so the results are the same, bit for bit):
;;   lrG = g * lr
;;   velocityOut = velocity * momentum - lrG
;;   wOut = w + velocityOut                          (nesterov = 0)
;;   wOut = w + (velocityOut * momentum - lrG)       (nesterov = 1)
;; All but n, lr, momentum and nesterov are byte offsets of float32 arrays of n entries in the
;; imported memory.
(module
  (import "env" "memory" (memory 0))
  (func (export "update")
    (param $w i32) (param $g i32) (param $vel i32) (param $wOut i32) (param $velOut i32) (param $n i32)
    (param $lr f32) (param $momentum f32) (param $nesterov i32)
    (local $i i32) (local $end4 i32) (local $end i32)
    (local $lrv v128) (local $mv v128) (local $lrg v128) (local $vv v128)
    (local $lrgs f32) (local $vs f32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $lrv (f32x4.splat (local.get $lr)))
    (local.set $mv (f32x4.splat (local.get $momentum)))
    (block $done4
      (loop $step4
        (br_if $done4 (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $lrg (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $i))) (local.get $lrv)))
        (local.set $vv (f32x4.sub (f32x4.mul (v128.load (i32.add (local.get $vel) (local.get $i))) (local.get $mv))
                                  (local.get $lrg)))
        (v128.store (i32.add (local.get $velOut) (local.get $i)) (local.get $vv))
        (v128.store (i32.add (local.get $wOut) (local.get $i))
          (f32x4.add (v128.load (i32.add (local.get $w) (local.get $i)))
            (if (result v128) (local.get $nesterov)
              (then (f32x4.sub (f32x4.mul (local.get $vv) (local.get $mv)) (local.get $lrg)))
              (else (local.get $vv)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $step4)))
    ;; The last n mod 4 entries, one at a time, the same way.
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $lrgs (f32.mul (f32.load (i32.add (local.get $g) (local.get $i))) (local.get $lr)))
        (local.set $vs (f32.sub (f32.mul (f32.load (i32.add (local.get $vel) (local.get $i))) (local.get $momentum))
                                (local.get $lrgs)))
        (f32.store (i32.add (local.get $velOut) (local.get $i)) (local.get $vs))
        (f32.store (i32.add (local.get $wOut) (local.get $i))
          (f32.add (f32.load (i32.add (local.get $w) (local.get $i)))
            (if (result f32) (local.get $nesterov)
              (then (f32.sub (f32.mul (local.get $vs) (local.get $momentum)) (local.get $lrgs)))
              (else (local.get $vs)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $step)))))
