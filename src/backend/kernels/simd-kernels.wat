;; The kit's own WebAssembly SIMD kernels (see simd-kernels.ts): loops that JavaScript runs too
;; slowly, working in place on the wasm backend's heap (all addresses are byte offsets into it).
;; Assembled by `npm run simd:build` (wabt) into simd-kernels-binary.ts; a test checks that the
;; committed bytes are this file's.
;;
;; Every float instruction is an IEEE-754 float32 operation (correctly rounded, no fused
;; multiply-add), so the results are the same on every engine and for any split between threads.
(module
  ;; `npm run simd:build` writes two variants: this one, for the threaded backend's shared memory
  ;; (a shared import must declare the 4 GiB maximum the threaded build declares), and one with
  ;; `(memory 0)` for the single-threaded backend's memory.
  (import "env" "memory" (memory 0 65536 shared))

  ;; ---- adamUpdate ----
  ;; One Adam step over $count float32 values: addresses of x, g, m, v (inputs) and x′, m′, v′
  ;; (outputs), then β₁, 1−β₁, β₂, 1−β₂, 1−β₁ᵗ, 1−β₂ᵗ, ε, −lr. The stock optimizer's operations in
  ;; its order, so the result equals tfjs' Adam bit for bit (HEAP_LOOPS.adamUpdate is the reference):
  ;;   m′ = m·β₁ + g·(1−β₁)      v′ = v·β₂ + (g·g)·(1−β₂)
  ;;   x′ = (m′/(1−β₁ᵗ)) / (√(v′/(1−β₂ᵗ)) + ε) · (−lr) + x
  (func (export "adamUpdate")
        (param $x i32) (param $g i32) (param $m i32) (param $v i32)
        (param $newX i32) (param $newM i32) (param $newV i32) (param $count i32)
        (param $beta1 f32) (param $oneMinusBeta1 f32) (param $beta2 f32) (param $oneMinusBeta2 f32)
        (param $oneMinusAccBeta1 f32) (param $oneMinusAccBeta2 f32) (param $epsilon f32) (param $step f32)
    (local $beta1s v128) (local $oneMinusBeta1s v128) (local $beta2s v128) (local $oneMinusBeta2s v128)
    (local $oneMinusAccBeta1s v128) (local $oneMinusAccBeta2s v128) (local $epsilons v128) (local $steps v128)
    (local $g4 v128) (local $m4 v128) (local $v4 v128) (local $offset i32)
    (local $g1 f32) (local $m1 f32) (local $v1 f32)
    (local.set $beta1s (f32x4.splat (local.get $beta1)))
    (local.set $oneMinusBeta1s (f32x4.splat (local.get $oneMinusBeta1)))
    (local.set $beta2s (f32x4.splat (local.get $beta2)))
    (local.set $oneMinusBeta2s (f32x4.splat (local.get $oneMinusBeta2)))
    (local.set $oneMinusAccBeta1s (f32x4.splat (local.get $oneMinusAccBeta1)))
    (local.set $oneMinusAccBeta2s (f32x4.splat (local.get $oneMinusAccBeta2)))
    (local.set $epsilons (f32x4.splat (local.get $epsilon)))
    (local.set $steps (f32x4.splat (local.get $step)))
    ;; Four values at a time while four are left …
    (block $fours
      (loop $four
        (br_if $fours (i32.lt_u (local.get $count) (i32.const 4)))
        (local.set $g4 (v128.load (i32.add (local.get $g) (local.get $offset))))
        (local.set $m4
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $offset))) (local.get $beta1s))
            (f32x4.mul (local.get $g4) (local.get $oneMinusBeta1s))))
        (local.set $v4
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $offset))) (local.get $beta2s))
            (f32x4.mul (f32x4.mul (local.get $g4) (local.get $g4)) (local.get $oneMinusBeta2s))))
        (v128.store (i32.add (local.get $newM) (local.get $offset)) (local.get $m4))
        (v128.store (i32.add (local.get $newV) (local.get $offset)) (local.get $v4))
        (v128.store (i32.add (local.get $newX) (local.get $offset))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $m4) (local.get $oneMinusAccBeta1s))
                (f32x4.add
                  (f32x4.sqrt (f32x4.div (local.get $v4) (local.get $oneMinusAccBeta2s)))
                  (local.get $epsilons)))
              (local.get $steps))
            (v128.load (i32.add (local.get $x) (local.get $offset)))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
        (local.set $count (i32.sub (local.get $count) (i32.const 4)))
        (br $four)))
    ;; … then one at a time.
    (block $ones
      (loop $one
        (br_if $ones (i32.eqz (local.get $count)))
        (local.set $g1 (f32.load (i32.add (local.get $g) (local.get $offset))))
        (local.set $m1
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $m) (local.get $offset))) (local.get $beta1))
            (f32.mul (local.get $g1) (local.get $oneMinusBeta1))))
        (local.set $v1
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $v) (local.get $offset))) (local.get $beta2))
            (f32.mul (f32.mul (local.get $g1) (local.get $g1)) (local.get $oneMinusBeta2))))
        (f32.store (i32.add (local.get $newM) (local.get $offset)) (local.get $m1))
        (f32.store (i32.add (local.get $newV) (local.get $offset)) (local.get $v1))
        (f32.store (i32.add (local.get $newX) (local.get $offset))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $m1) (local.get $oneMinusAccBeta1))
                (f32.add
                  (f32.sqrt (f32.div (local.get $v1) (local.get $oneMinusAccBeta2)))
                  (local.get $epsilon)))
              (local.get $step))
            (f32.load (i32.add (local.get $x) (local.get $offset)))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 4)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $one))))

  ;; ---- filterGradient ----
  ;; The filter gradient of a convolution (Conv2DBackpropFilter), added to $dst [kH, kW, C, outC]:
  ;;   dst[i, j, c, o] += Σ_{image, p, q} x[image, p·sH + i, q·sW + j, c] · dy[image, p, q, o]
  ;; over $images images of x [images, height, width, C] (padded or cropped beforehand so that the
  ;; windows read exactly its rows and columns) and dy [images, outH, outW, outC]; outC must be a
  ;; multiple of 8. No im2col copy and no packing: for each image, each group of four filter taps
  ;; and each block of eight output channels, $taps4 runs over the image's pixels with 4 × 8 sums
  ;; in registers (image by image, x and dy stay in the cache). Taps left over (fewer than four)
  ;; go one at a time ($taps1). The sums per image are added to $dst in image order.

  ;; One image, four taps k, eight output channels: dst[k][0..8] += Σ_pixels x[pixel + off_k] ·
  ;; dy[pixel][0..8], the sums over the pixels (row by row) in float32, from 0; dst rows are
  ;; $dstStep bytes apart, x pixels $xColStep and output rows $xRowStep, dy pixels $dyStep.
  (func $taps4 (param $x i32) (param $dy i32) (param $dst i32)
        (param $off0 i32) (param $off1 i32) (param $off2 i32) (param $off3 i32)
        (param $dstStep i32) (param $outH i32) (param $outW i32)
        (param $xRowStep i32) (param $xColStep i32) (param $dyStep i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $d0 v128) (local $d1 v128) (local $s v128)
    (local $p i32) (local $q i32) (local $xRow i32) (local $xp i32) (local $dp i32)
    (local.set $dp (local.get $dy))
    (local.set $xRow (local.get $x))
    (local.set $p (local.get $outH))
    (loop $rows
      (local.set $xp (local.get $xRow))
      (local.set $q (local.get $outW))
      (loop $cols
        (local.set $d0 (v128.load (local.get $dp)))
        (local.set $d1 (v128.load offset=16 (local.get $dp)))
        (local.set $s (v128.load32_splat (i32.add (local.get $xp) (local.get $off0))))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (local.get $d0))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $s) (local.get $d1))))
        (local.set $s (v128.load32_splat (i32.add (local.get $xp) (local.get $off1))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $s) (local.get $d0))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $s) (local.get $d1))))
        (local.set $s (v128.load32_splat (i32.add (local.get $xp) (local.get $off2))))
        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $s) (local.get $d0))))
        (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $s) (local.get $d1))))
        (local.set $s (v128.load32_splat (i32.add (local.get $xp) (local.get $off3))))
        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $s) (local.get $d0))))
        (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $s) (local.get $d1))))
        (local.set $xp (i32.add (local.get $xp) (local.get $xColStep)))
        (local.set $dp (i32.add (local.get $dp) (local.get $dyStep)))
        (br_if $cols (local.tee $q (i32.sub (local.get $q) (i32.const 1)))))
      (local.set $xRow (i32.add (local.get $xRow) (local.get $xRowStep)))
      (br_if $rows (local.tee $p (i32.sub (local.get $p) (i32.const 1)))))
    (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (local.get $a0)))
    (v128.store offset=16 (local.get $dst) (f32x4.add (v128.load offset=16 (local.get $dst)) (local.get $a1)))
    (local.set $dst (i32.add (local.get $dst) (local.get $dstStep)))
    (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (local.get $a2)))
    (v128.store offset=16 (local.get $dst) (f32x4.add (v128.load offset=16 (local.get $dst)) (local.get $a3)))
    (local.set $dst (i32.add (local.get $dst) (local.get $dstStep)))
    (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (local.get $a4)))
    (v128.store offset=16 (local.get $dst) (f32x4.add (v128.load offset=16 (local.get $dst)) (local.get $a5)))
    (local.set $dst (i32.add (local.get $dst) (local.get $dstStep)))
    (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (local.get $a6)))
    (v128.store offset=16 (local.get $dst) (f32x4.add (v128.load offset=16 (local.get $dst)) (local.get $a7))))

  ;; The same for one tap.
  (func $taps1 (param $x i32) (param $dy i32) (param $dst i32) (param $off0 i32)
        (param $outH i32) (param $outW i32)
        (param $xRowStep i32) (param $xColStep i32) (param $dyStep i32)
    (local $a0 v128) (local $a1 v128) (local $s v128)
    (local $p i32) (local $q i32) (local $xRow i32) (local $xp i32) (local $dp i32)
    (local.set $dp (local.get $dy))
    (local.set $xRow (i32.add (local.get $x) (local.get $off0)))
    (local.set $p (local.get $outH))
    (loop $rows
      (local.set $xp (local.get $xRow))
      (local.set $q (local.get $outW))
      (loop $cols
        (local.set $s (v128.load32_splat (local.get $xp)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (v128.load (local.get $dp)))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $dp)))))
        (local.set $xp (i32.add (local.get $xp) (local.get $xColStep)))
        (local.set $dp (i32.add (local.get $dp) (local.get $dyStep)))
        (br_if $cols (local.tee $q (i32.sub (local.get $q) (i32.const 1)))))
      (local.set $xRow (i32.add (local.get $xRow) (local.get $xRowStep)))
      (br_if $rows (local.tee $p (i32.sub (local.get $p) (i32.const 1)))))
    (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (local.get $a0)))
    (v128.store offset=16 (local.get $dst) (f32x4.add (v128.load offset=16 (local.get $dst)) (local.get $a1))))

  ;; The byte offset of filter tap t = (i, j, c) from a window's first value
  (func $tapOffset (param $t i32) (param $rowTaps i32) (param $rowStride i32) (result i32)
    (i32.shl
      (i32.add (i32.mul (i32.div_u (local.get $t) (local.get $rowTaps)) (local.get $rowStride))
               (i32.rem_u (local.get $t) (local.get $rowTaps)))
      (i32.const 2)))

  (func (export "filterGradient")
        (param $x i32) (param $dy i32) (param $dst i32) (param $images i32)
        (param $height i32) (param $width i32) (param $channels i32)
        (param $outH i32) (param $outW i32) (param $outC i32)
        (param $kH i32) (param $kW i32) (param $strideH i32) (param $strideW i32)
    (local $taps i32) (local $rowTaps i32) (local $rowStride i32)
    (local $xImageStep i32) (local $dyImageStep i32) (local $xRowStep i32) (local $xColStep i32)
    (local $dyStep i32) (local $t i32) (local $o i32) (local $dstTap i32)
    (local $off0 i32) (local $off1 i32) (local $off2 i32) (local $off3 i32)
    (local.set $rowTaps (i32.mul (local.get $kW) (local.get $channels)))
    (local.set $taps (i32.mul (local.get $kH) (local.get $rowTaps)))
    (local.set $rowStride (i32.mul (local.get $width) (local.get $channels)))
    (local.set $xImageStep (i32.shl (i32.mul (local.get $height) (local.get $rowStride)) (i32.const 2)))
    (local.set $dyImageStep (i32.shl (i32.mul (i32.mul (local.get $outH) (local.get $outW)) (local.get $outC)) (i32.const 2)))
    (local.set $xRowStep (i32.shl (i32.mul (local.get $strideH) (local.get $rowStride)) (i32.const 2)))
    (local.set $xColStep (i32.shl (i32.mul (local.get $strideW) (local.get $channels)) (i32.const 2)))
    (local.set $dyStep (i32.shl (local.get $outC) (i32.const 2)))
    ;; outC must be a multiple of 8 (the caller checks; a wrong call traps rather than skipping).
    (if (i32.and (local.get $outC) (i32.const 7)) (then unreachable))
    (block $done
      (br_if $done (i32.or (i32.eqz (local.get $images))
                           (i32.or (i32.eqz (local.get $outH)) (i32.eqz (local.get $outW)))))
      (loop $image
        (local.set $t (i32.const 0))
        (block $fours
          (loop $four
            (br_if $fours (i32.gt_u (i32.add (local.get $t) (i32.const 4)) (local.get $taps)))
            (local.set $off0 (call $tapOffset (local.get $t) (local.get $rowTaps) (local.get $rowStride)))
            (local.set $off1 (call $tapOffset (i32.add (local.get $t) (i32.const 1)) (local.get $rowTaps) (local.get $rowStride)))
            (local.set $off2 (call $tapOffset (i32.add (local.get $t) (i32.const 2)) (local.get $rowTaps) (local.get $rowStride)))
            (local.set $off3 (call $tapOffset (i32.add (local.get $t) (i32.const 3)) (local.get $rowTaps) (local.get $rowStride)))
            (local.set $dstTap (i32.add (local.get $dst) (i32.mul (local.get $t) (local.get $dyStep))))
            (local.set $o (i32.const 0))
            (loop $block8
              (call $taps4 (local.get $x) (i32.add (local.get $dy) (local.get $o)) (i32.add (local.get $dstTap) (local.get $o))
                (local.get $off0) (local.get $off1) (local.get $off2) (local.get $off3)
                (local.get $dyStep) (local.get $outH) (local.get $outW)
                (local.get $xRowStep) (local.get $xColStep) (local.get $dyStep))
              (br_if $block8 (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 32))) (local.get $dyStep))))
            (local.set $t (i32.add (local.get $t) (i32.const 4)))
            (br $four)))
        (block $ones
          (loop $one
            (br_if $ones (i32.ge_u (local.get $t) (local.get $taps)))
            (local.set $off0 (call $tapOffset (local.get $t) (local.get $rowTaps) (local.get $rowStride)))
            (local.set $dstTap (i32.add (local.get $dst) (i32.mul (local.get $t) (local.get $dyStep))))
            (local.set $o (i32.const 0))
            (loop $block8
              (call $taps1 (local.get $x) (i32.add (local.get $dy) (local.get $o)) (i32.add (local.get $dstTap) (local.get $o))
                (local.get $off0) (local.get $outH) (local.get $outW)
                (local.get $xRowStep) (local.get $xColStep) (local.get $dyStep))
              (br_if $block8 (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 32))) (local.get $dyStep))))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $one)))
        (local.set $x (i32.add (local.get $x) (local.get $xImageStep)))
        (local.set $dy (i32.add (local.get $dy) (local.get $dyImageStep)))
        (br_if $image (local.tee $images (i32.sub (local.get $images) (i32.const 1)))))))

  ;; ---- maxPoolGradient ----

  ;; One whole 2 × 2 window, four channels: x and dx at its first value, dy's four lanes, row and
  ;; pixel strides in bytes. The window's first maximum per lane (strict >, from −∞) gets dy added.
  (func $first2x2 (param $x i32) (param $dx i32) (param $gradient v128) (param $rowBytes i32) (param $pixelBytes i32)
    (local $best v128) (local $bestAt v128) (local $value v128) (local $wins v128)
    (local $x10 i32) (local $dx10 i32)
    (local.set $x10 (i32.add (local.get $x) (local.get $rowBytes)))
    (local.set $dx10 (i32.add (local.get $dx) (local.get $rowBytes)))
    (local.set $best (v128.load (local.get $x)))
    (local.set $wins (f32x4.gt (local.get $best) (f32x4.splat (f32.const -inf))))
    (local.set $best (v128.bitselect (local.get $best) (f32x4.splat (f32.const -inf)) (local.get $wins)))
    (local.set $bestAt (v128.bitselect (i32x4.splat (i32.const 0)) (i32x4.splat (i32.const -1)) (local.get $wins)))
    (local.set $value (v128.load (i32.add (local.get $x) (local.get $pixelBytes))))
    (local.set $wins (f32x4.gt (local.get $value) (local.get $best)))
    (local.set $best (v128.bitselect (local.get $value) (local.get $best) (local.get $wins)))
    (local.set $bestAt (v128.bitselect (i32x4.splat (i32.const 1)) (local.get $bestAt) (local.get $wins)))
    (local.set $value (v128.load (local.get $x10)))
    (local.set $wins (f32x4.gt (local.get $value) (local.get $best)))
    (local.set $best (v128.bitselect (local.get $value) (local.get $best) (local.get $wins)))
    (local.set $bestAt (v128.bitselect (i32x4.splat (i32.const 2)) (local.get $bestAt) (local.get $wins)))
    (local.set $value (v128.load (i32.add (local.get $x10) (local.get $pixelBytes))))
    (local.set $wins (f32x4.gt (local.get $value) (local.get $best)))
    (local.set $bestAt (v128.bitselect (i32x4.splat (i32.const 3)) (local.get $bestAt) (local.get $wins)))
    (v128.store (local.get $dx) (f32x4.add (v128.load (local.get $dx))
      (v128.and (local.get $gradient) (i32x4.eq (local.get $bestAt) (i32x4.splat (i32.const 0))))))
    (local.set $dx (i32.add (local.get $dx) (local.get $pixelBytes)))
    (v128.store (local.get $dx) (f32x4.add (v128.load (local.get $dx))
      (v128.and (local.get $gradient) (i32x4.eq (local.get $bestAt) (i32x4.splat (i32.const 1))))))
    (v128.store (local.get $dx10) (f32x4.add (v128.load (local.get $dx10))
      (v128.and (local.get $gradient) (i32x4.eq (local.get $bestAt) (i32x4.splat (i32.const 2))))))
    (local.set $dx10 (i32.add (local.get $dx10) (local.get $pixelBytes)))
    (v128.store (local.get $dx10) (f32x4.add (v128.load (local.get $dx10))
      (v128.and (local.get $gradient) (i32x4.eq (local.get $bestAt) (i32x4.splat (i32.const 3)))))))
  ;; The max-pool gradient dx [images, height, width, C] for dy [images, outH, outW, C], C a
  ;; multiple of 4: each image of dx is zeroed, then, four channels at a time, each window's
  ;; first maximum (row-major, strict >, so NaN and −∞ never win) gets dy added, like tfjs' cpu
  ;; backend. Windows start at (oh·sH − padTop, ow·sW − padLeft) and are clipped to the image.
  ;; Equal to HEAP_LOOPS.maxPoolGradient bit for bit (a lane that is not a window's maximum adds
  ;; +0, which changes no value: dx starts at +0 and never becomes −0).
  (func (export "maxPoolGradient")
        (param $x i32) (param $dy i32) (param $dx i32) (param $images i32)
        (param $height i32) (param $width i32) (param $channels i32) (param $outH i32) (param $outW i32)
        (param $kH i32) (param $kW i32) (param $strideH i32) (param $strideW i32)
        (param $padTop i32) (param $padLeft i32)
    (local $rowBytes i32) (local $pixelBytes i32) (local $imageBytes i32)
    (local $oh i32) (local $ow i32) (local $hFrom i32) (local $hTo i32) (local $wFrom i32) (local $wTo i32)
    (local $c i32) (local $h i32) (local $w i32) (local $k i32) (local $at i32)
    (local $best v128) (local $bestAt v128) (local $value v128) (local $wins v128) (local $gradient v128)
    (local.set $pixelBytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $width) (local.get $pixelBytes)))
    (local.set $imageBytes (i32.mul (local.get $height) (local.get $rowBytes)))
    (block $imagesDone
      (loop $image
        (br_if $imagesDone (i32.eqz (local.get $images)))
        (memory.fill (local.get $dx) (i32.const 0) (local.get $imageBytes))
        (local.set $oh (i32.const 0))
        (block $rowsDone
          (loop $row
            (br_if $rowsDone (i32.ge_u (local.get $oh) (local.get $outH)))
            (local.set $hFrom (i32.sub (i32.mul (local.get $oh) (local.get $strideH)) (local.get $padTop)))
            (local.set $hTo (i32.add (local.get $hFrom) (local.get $kH)))
            (if (i32.lt_s (local.get $hFrom) (i32.const 0)) (then (local.set $hFrom (i32.const 0))))
            (if (i32.gt_s (local.get $hTo) (local.get $height)) (then (local.set $hTo (local.get $height))))
            (local.set $ow (i32.const 0))
            (block $columnsDone
              (loop $column
                (br_if $columnsDone (i32.ge_u (local.get $ow) (local.get $outW)))
                (local.set $wFrom (i32.sub (i32.mul (local.get $ow) (local.get $strideW)) (local.get $padLeft)))
                (local.set $wTo (i32.add (local.get $wFrom) (local.get $kW)))
                (if (i32.lt_s (local.get $wFrom) (i32.const 0)) (then (local.set $wFrom (i32.const 0))))
                (if (i32.gt_s (local.get $wTo) (local.get $width)) (then (local.set $wTo (local.get $width))))
                (local.set $c (i32.const 0))
                (block $channelsDone
                  (loop $channel
                    (br_if $channelsDone (i32.ge_u (local.get $c) (local.get $pixelBytes)))
                    ;; A whole 2 × 2 window (the usual pool) unrolled: the same steps as below.
                    (if (i32.and (i32.eq (i32.sub (local.get $hTo) (local.get $hFrom)) (i32.const 2))
                                 (i32.eq (i32.sub (local.get $wTo) (local.get $wFrom)) (i32.const 2)))
                      (then
                        (local.set $at (i32.add (i32.add (i32.mul (local.get $hFrom) (local.get $rowBytes))
                                                         (i32.mul (local.get $wFrom) (local.get $pixelBytes)))
                                                (local.get $c)))
                        (call $first2x2 (i32.add (local.get $x) (local.get $at)) (i32.add (local.get $dx) (local.get $at))
                          (v128.load (i32.add (local.get $dy) (local.get $c))) (local.get $rowBytes) (local.get $pixelBytes))
                        (local.set $c (i32.add (local.get $c) (i32.const 16)))
                        (br $channel)))
                    ;; The window's first maximum per lane: its position k in the window, or −1.
                    (local.set $best (f32x4.splat (f32.const -inf)))
                    (local.set $bestAt (i32x4.splat (i32.const -1)))
                    (local.set $k (i32.const 0))
                    (local.set $h (local.get $hFrom))
                    (block $findDone
                      (loop $findRow
                        (br_if $findDone (i32.ge_s (local.get $h) (local.get $hTo)))
                        (local.set $w (local.get $wFrom))
                        (block $findRowDone
                          (loop $find
                            (br_if $findRowDone (i32.ge_s (local.get $w) (local.get $wTo)))
                            (local.set $value (v128.load (i32.add (local.get $x)
                              (i32.add (i32.add (i32.mul (local.get $h) (local.get $rowBytes))
                                                (i32.mul (local.get $w) (local.get $pixelBytes)))
                                       (local.get $c)))))
                            (local.set $wins (f32x4.gt (local.get $value) (local.get $best)))
                            (local.set $best (v128.bitselect (local.get $value) (local.get $best) (local.get $wins)))
                            (local.set $bestAt (v128.bitselect (i32x4.splat (local.get $k)) (local.get $bestAt) (local.get $wins)))
                            (local.set $k (i32.add (local.get $k) (i32.const 1)))
                            (local.set $w (i32.add (local.get $w) (i32.const 1)))
                            (br $find)))
                        (local.set $h (i32.add (local.get $h) (i32.const 1)))
                        (br $findRow)))
                    ;; dy goes to the lanes' maxima; every other position of the window adds +0.
                    (local.set $gradient (v128.load (i32.add (local.get $dy) (local.get $c))))
                    (local.set $k (i32.const 0))
                    (local.set $h (local.get $hFrom))
                    (block $addDone
                      (loop $addRow
                        (br_if $addDone (i32.ge_s (local.get $h) (local.get $hTo)))
                        (local.set $w (local.get $wFrom))
                        (block $addRowDone
                          (loop $add
                            (br_if $addRowDone (i32.ge_s (local.get $w) (local.get $wTo)))
                            (local.set $at (i32.add (local.get $dx)
                              (i32.add (i32.add (i32.mul (local.get $h) (local.get $rowBytes))
                                                (i32.mul (local.get $w) (local.get $pixelBytes)))
                                       (local.get $c))))
                            (v128.store (local.get $at)
                              (f32x4.add (v128.load (local.get $at))
                                         (v128.and (local.get $gradient)
                                                   (i32x4.eq (local.get $bestAt) (i32x4.splat (local.get $k))))))
                            (local.set $k (i32.add (local.get $k) (i32.const 1)))
                            (local.set $w (i32.add (local.get $w) (i32.const 1)))
                            (br $add)))
                        (local.set $h (i32.add (local.get $h) (i32.const 1)))
                        (br $addRow)))
                    (local.set $c (i32.add (local.get $c) (i32.const 16)))
                    (br $channel)))
                (local.set $dy (i32.add (local.get $dy) (local.get $pixelBytes)))
                (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
                (br $column)))
            (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
            (br $row)))
        (local.set $x (i32.add (local.get $x) (local.get $imageBytes)))
        (local.set $dx (i32.add (local.get $dx) (local.get $imageBytes)))
        (local.set $images (i32.sub (local.get $images) (i32.const 1)))
        (br $image))))

  ;; ---- columnSums ----
  ;; The column totals of a float32 block x [rows, columns] in float64, written to dst (float64
  ;; [columns], 8-byte aligned); columns a multiple of 4. Rows are added in order, so the totals
  ;; equal HEAP_LOOPS.columnSums' JavaScript bit for bit.
  (func (export "columnSums") (param $x i32) (param $columns i32) (param $rows i32) (param $dst i32)
    (local $rowBytes i32) (local $end i32) (local $c i32) (local $values v128) (local $at i32)
    (local.set $rowBytes (i32.shl (local.get $columns) (i32.const 2)))
    (memory.fill (local.get $dst) (i32.const 0) (i32.shl (local.get $columns) (i32.const 3)))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $rowBytes))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $c (i32.const 0))
        (local.set $at (local.get $dst))
        (block $rowDone
          (loop $four
            (br_if $rowDone (i32.ge_u (local.get $c) (local.get $rowBytes)))
            (local.set $values (v128.load (i32.add (local.get $x) (local.get $c))))
            (v128.store (local.get $at)
              (f64x2.add (v128.load (local.get $at)) (f64x2.promote_low_f32x4 (local.get $values))))
            (v128.store offset=16 (local.get $at)
              (f64x2.add (v128.load offset=16 (local.get $at))
                         (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
                                                     (local.get $values) (local.get $values)))))
            (local.set $at (i32.add (local.get $at) (i32.const 32)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $four)))
        (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
        (br $row)))))
