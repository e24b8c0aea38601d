// RUN: se-opt %s -se-cpu-conv-microkernels="vector-width=16 int8-dot-product=vpdpbusd" -canonicalize --mlir-elide-resource-strings-if-larger=16 | FileCheck %s
// RUN: se-opt %s -se-cpu-conv-microkernels="vector-width=8 int8-dot-product=vpmaddwd" -canonicalize --mlir-elide-resource-strings-if-larger=16 | FileCheck %s --check-prefix=PAIRS
// RUN: se-opt %s -se-cpu-conv-microkernels="vector-width=16" -canonicalize | FileCheck %s --check-prefix=NONE

#channel = affine_map<(d0, d1, d2, d3) -> (d3)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// An integer convolution (se-cpu-integer-convolutions' form): signed bytes
// with zero point -3, a filter of ones, i32 accumulators scaled and
// quantized to bytes in the one store. The filter is packed as words of
// four bytes; the accumulators start from -(zp + 128) x sum(w) = -125 x 8;
// each step broadcasts four input bytes, offsets them by 128 (xor
// 0x80808080 on the broadcast vector) and sums four u8 x s8 products per
// lane.
// CHECK-LABEL: func.func @integer_conv
// CHECK-DAG: %[[OFFSET:.*]] = arith.constant dense<-2139062144> : vector<16xi32>
// CHECK-DAG: %[[W:.*]] = arith.constant dense_resource<conv_int8_blocked{{(_[0-9]+)?}}> : tensor<1x1x1x2x32xi32>
// CHECK-DAG: %[[INIT:.*]] = arith.constant dense<-1000> : tensor<32xi32>
// CHECK: scf.for
// CHECK: %[[ACC0:.*]] = vector.transfer_read %[[INIT]]{{.*}} : tensor<32xi32>, vector<16xi32>
// CHECK: %[[WORDS:.*]] = vector.transfer_read %[[W]]{{.*}} : tensor<1x1x1x2x32xi32>, vector<16xi32>
// CHECK: %[[WBYTES:.*]] = vector.bitcast %[[WORDS]] : vector<16xi32> to vector<64xi8>
// CHECK: %[[WS:.*]] = arith.extsi %[[WBYTES]] : vector<64xi8> to vector<64xi32>
// CHECK: %[[FOUR:.*]] = vector.transfer_read %{{.*}} : tensor<1x4x4x8xi8>, vector<4xi8>
// CHECK: %[[WORD:.*]] = vector.bitcast %[[FOUR]] : vector<4xi8> to vector<1xi32>
// CHECK: %[[X:.*]] = vector.extract %[[WORD]][0]
// CHECK: %[[XB:.*]] = vector.broadcast %[[X]] : i32 to vector<16xi32>
// CHECK: %[[XU:.*]] = arith.xori %[[XB]], %[[OFFSET]] : vector<16xi32>
// CHECK: %[[XBYTES:.*]] = vector.bitcast %[[XU]] : vector<16xi32> to vector<64xi8>
// CHECK: %[[XS:.*]] = arith.extui %[[XBYTES]] : vector<64xi8> to vector<64xi32>
// CHECK: %[[P:.*]] = arith.muli %[[XS]], %[[WS]] : vector<64xi32>
// CHECK: %[[G:.*]] = vector.shape_cast %[[P]] : vector<64xi32> to vector<16x4xi32>
// CHECK: vector.multi_reduction <add>, %[[G]], %[[ACC0]] [1] : vector<16x4xi32> to vector<16xi32>
// CHECK: arith.sitofp %{{.*}} : vector<16xi32> to vector<16xf32>
// CHECK: arith.trunci %{{.*}} : vector<16xi32> to vector<16xi8>
// CHECK: vector.transfer_write %{{.*}} : vector<16xi8>, tensor<1x4x4x32xi8>
// CHECK-NOT: linalg.
// CHECK: return


// Without VNNI (vpmaddwd: AVX2) a filter whose adjacent pairs of products
// with any unsigned byte fit i16 (ones: 2 x 255) takes the same steps,
// marked for vpmaddubsw.
// PAIRS-LABEL: func.func @integer_conv
// PAIRS-DAG: arith.constant dense<-1000> : tensor<32xi32>
// PAIRS: scf.for
// PAIRS: arith.xori
// PAIRS: vector.multi_reduction <add>, %{{.*}} {se.pair_sums_fit_i16} [1] : vector<8x4xi32> to vector<8xi32>
// PAIRS-NOT: linalg.
// PAIRS: return

// Without an integer dot product at the width the convolution is left to
// the generic tiling.
// NONE-LABEL: func.func @integer_conv
// NONE: linalg.conv_2d_nhwc_fhwc_q
func.func @integer_conv(%x: tensor<1x4x4x8xi8>) -> tensor<1x4x4x32xi8> {
  %izp = arith.constant -3 : i32
  %fzp = arith.constant 0 : i32
  %zero = arith.constant 0 : i32
  %w = arith.constant dense<1> : tensor<32x1x1x8xi8>
  %scale = arith.constant dense<0.5> : tensor<32xf32>
  %empty = tensor.empty() : tensor<1x4x4x32xi32>
  %init = linalg.fill ins(%zero : i32) outs(%empty : tensor<1x4x4x32xi32>) -> tensor<1x4x4x32xi32>
  %acc = linalg.conv_2d_nhwc_fhwc_q {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w, %izp, %fzp : tensor<1x4x4x8xi8>, tensor<32x1x1x8xi8>, i32, i32) outs(%init : tensor<1x4x4x32xi32>) -> tensor<1x4x4x32xi32>
  %out = tensor.empty() : tensor<1x4x4x32xi8>
  %q = linalg.generic {indexing_maps = [#id, #channel, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc, %scale : tensor<1x4x4x32xi32>, tensor<32xf32>) outs(%out : tensor<1x4x4x32xi8>) {
  ^bb0(%a: i32, %s: f32, %o: i8):
    %f = arith.sitofp %a : i32 to f32
    %m = arith.mulf %f, %s : f32
    %r = math.roundeven %m : f32
    %i = arith.fptosi %r : f32 to i32
    %t = arith.trunci %i : i32 to i8
    linalg.yield %t : i8
  } -> tensor<1x4x4x32xi8>
  return %q : tensor<1x4x4x32xi8>
}

#bcast = affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>

// The dequantization se-cpu-integer-convolutions builds reads its scale and
// bias as 1 x 1 x 1 x C broadcasts: read per channel in the store, not a
// loop of its own over i32 accumulators written first.
// CHECK-LABEL: func.func @integer_conv_broadcast_epilogue
// CHECK: scf.for
// CHECK: vector.multi_reduction <add>
// CHECK: arith.sitofp %{{.*}} : vector<16xi32> to vector<16xf32>
// CHECK: vector.transfer_read %{{.*}}[%c0, %c0, %c0, %{{.*}}]{{.*}} : tensor<1x1x1x32xf32>, vector<16xf32>
// CHECK: vector.transfer_write %{{.*}} : vector<16xf32>, tensor<1x4x4x32xf32>
// CHECK-NOT: linalg.
// CHECK: return
func.func @integer_conv_broadcast_epilogue(%x: tensor<1x4x4x8xi8>, %scale: tensor<1x1x1x32xf32>, %bias: tensor<1x1x1x32xf32>) -> tensor<1x4x4x32xf32> {
  %izp = arith.constant -3 : i32
  %fzp = arith.constant 0 : i32
  %zero = arith.constant 0 : i32
  %w = arith.constant dense<1> : tensor<32x1x1x8xi8>
  %empty = tensor.empty() : tensor<1x4x4x32xi32>
  %init = linalg.fill ins(%zero : i32) outs(%empty : tensor<1x4x4x32xi32>) -> tensor<1x4x4x32xi32>
  %acc = linalg.conv_2d_nhwc_fhwc_q {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w, %izp, %fzp : tensor<1x4x4x8xi8>, tensor<32x1x1x8xi8>, i32, i32) outs(%init : tensor<1x4x4x32xi32>) -> tensor<1x4x4x32xi32>
  %out = tensor.empty() : tensor<1x4x4x32xf32>
  %y = linalg.generic {indexing_maps = [#id, #bcast, #bcast, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc, %scale, %bias : tensor<1x4x4x32xi32>, tensor<1x1x1x32xf32>, tensor<1x1x1x32xf32>) outs(%out : tensor<1x4x4x32xf32>) {
  ^bb0(%a: i32, %s: f32, %b: f32, %o: f32):
    %f = arith.sitofp %a : i32 to f32
    %m = arith.mulf %f, %s : f32
    %r = arith.addf %m, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x32xf32>
  return %y : tensor<1x4x4x32xf32>
}

// A sigmoid after an integer convolution (SiLU) stays a loop of its own
// over the i32 accumulators: faster than in the tile's store.
// CHECK-LABEL: func.func @integer_conv_silu_epilogue
// CHECK: scf.for
// CHECK: vector.multi_reduction <add>
// CHECK: vector.transfer_write %{{.*}} : vector<16xi32>, tensor<1x4x4x32xi32>
// CHECK: linalg.generic
// CHECK: math.exp
// CHECK: return
func.func @integer_conv_silu_epilogue(%x: tensor<1x4x4x8xi8>, %scale: tensor<32xf32>) -> tensor<1x4x4x32xf32> {
  %izp = arith.constant -3 : i32
  %fzp = arith.constant 0 : i32
  %zero = arith.constant 0 : i32
  %one = arith.constant 1.0 : f32
  %w = arith.constant dense<1> : tensor<32x1x1x8xi8>
  %empty = tensor.empty() : tensor<1x4x4x32xi32>
  %init = linalg.fill ins(%zero : i32) outs(%empty : tensor<1x4x4x32xi32>) -> tensor<1x4x4x32xi32>
  %acc = linalg.conv_2d_nhwc_fhwc_q {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w, %izp, %fzp : tensor<1x4x4x8xi8>, tensor<32x1x1x8xi8>, i32, i32) outs(%init : tensor<1x4x4x32xi32>) -> tensor<1x4x4x32xi32>
  %out = tensor.empty() : tensor<1x4x4x32xf32>
  %y = linalg.generic {indexing_maps = [#id, #channel, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc, %scale : tensor<1x4x4x32xi32>, tensor<32xf32>) outs(%out : tensor<1x4x4x32xf32>) {
  ^bb0(%a: i32, %s: f32, %o: f32):
    %f = arith.sitofp %a : i32 to f32
    %m = arith.mulf %f, %s : f32
    %n = arith.negf %m : f32
    %e = math.exp %n : f32
    %d = arith.addf %e, %one : f32
    %r = arith.divf %m, %d : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x32xf32>
  return %y : tensor<1x4x4x32xf32>
}

// A filter of 100s (pairs of products up to 2 x 255 x 100) takes vpmaddwd:
// each step runs twice over the positions, once per
// pair of its four channels: the filter words' bytes of that pair, the
// position's two input bytes broadcast as one 16-bit word, both widened,
// and a dot product of pairs per lane. No offset:
// the accumulators start from -zp x sum(w) = 3 x 800.
// PAIRS-LABEL: func.func @integer_conv_wide_weights
// PAIRS-DAG: %[[INIT:.*]] = arith.constant dense<2400> : tensor<32xi32>
// PAIRS-DAG: %[[W:.*]] = arith.constant dense_resource<conv_int8_blocked{{.*}}>
// PAIRS: scf.for
// PAIRS: %[[WORDS:.*]] = vector.transfer_read %[[W]]{{.*}} vector<8xi32>
// PAIRS: %[[WBYTES:.*]] = vector.bitcast %[[WORDS]] : vector<8xi32> to vector<32xi8>
// PAIRS: %[[WPAIR0:.*]] = vector.extract_strided_slice %[[WBYTES]] {offsets = [0], sizes = [16], strides = [1]} : vector<32xi8> to vector<16xi8>
// PAIRS: %[[W32:.*]] = arith.extsi %[[WPAIR0]] : vector<16xi8> to vector<16xi32>
// PAIRS: %[[TWO:.*]] = vector.transfer_read %{{.*}} : tensor<1x4x4x8xi8>, vector<2xi8>
// PAIRS: %[[XWORD:.*]] = vector.bitcast %[[TWO]] : vector<2xi8> to vector<1xi16>
// PAIRS: %[[X:.*]] = vector.extract %[[XWORD]][0]
// PAIRS: %[[XB:.*]] = vector.broadcast %[[X]] : i16 to vector<8xi16>
// PAIRS: %[[XPAIRS:.*]] = vector.bitcast %[[XB]] : vector<8xi16> to vector<16xi8>
// PAIRS: %[[X32:.*]] = arith.extsi %[[XPAIRS]] : vector<16xi8> to vector<16xi32>
// PAIRS: %[[P:.*]] = arith.muli %[[X32]], %[[W32]] : vector<16xi32>
// PAIRS: %[[G:.*]] = vector.shape_cast %[[P]] : vector<16xi32> to vector<8x2xi32>
// PAIRS: vector.multi_reduction <add>, %[[G]], %{{.*}} [1] : vector<8x2xi32> to vector<8xi32>
// PAIRS: vector.extract_strided_slice %{{.*}} {offsets = [16], sizes = [16], strides = [1]} : vector<32xi8> to vector<16xi8>
// PAIRS: vector.multi_reduction <add>, %{{.*}} [1] : vector<8x2xi32> to vector<8xi32>
// PAIRS: arith.trunci %{{.*}} : vector<8xi32> to vector<8xi8>
// PAIRS-NOT: linalg.
// PAIRS: return
func.func @integer_conv_wide_weights(%x: tensor<1x4x4x8xi8>) -> tensor<1x4x4x32xi8> {
  %izp = arith.constant -3 : i32
  %fzp = arith.constant 0 : i32
  %zero = arith.constant 0 : i32
  %w = arith.constant dense<100> : tensor<32x1x1x8xi8>
  %scale = arith.constant dense<0.5> : tensor<32xf32>
  %empty = tensor.empty() : tensor<1x4x4x32xi32>
  %init = linalg.fill ins(%zero : i32) outs(%empty : tensor<1x4x4x32xi32>) -> tensor<1x4x4x32xi32>
  %acc = linalg.conv_2d_nhwc_fhwc_q {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w, %izp, %fzp : tensor<1x4x4x8xi8>, tensor<32x1x1x8xi8>, i32, i32) outs(%init : tensor<1x4x4x32xi32>) -> tensor<1x4x4x32xi32>
  %out = tensor.empty() : tensor<1x4x4x32xi8>
  %q = linalg.generic {indexing_maps = [#id, #channel, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc, %scale : tensor<1x4x4x32xi32>, tensor<32xf32>) outs(%out : tensor<1x4x4x32xi8>) {
  ^bb0(%a: i32, %s: f32, %o: i8):
    %f = arith.sitofp %a : i32 to f32
    %m = arith.mulf %f, %s : f32
    %r = math.roundeven %m : f32
    %i = arith.fptosi %r : f32 to i32
    %t = arith.trunci %i : i32 to i8
    linalg.yield %t : i8
  } -> tensor<1x4x4x32xi8>
  return %q : tensor<1x4x4x32xi8>
}

// An integer depthwise convolution: one product per lane, whatever the dot
// products of the CPU (vpmovsxbd, vpmulld). The filter is packed as one
// i32 word per code; the accumulators start from -zp x sum(w) = 3 x 18;
// per tap and position one vector of input bytes (as many channels) is
// widened and multiplied by the filter vector. An exponential after it
// stays in the store.
// CHECK-LABEL: func.func @integer_depthwise
// CHECK-DAG: %[[W:.*]] = arith.constant dense_resource<depthwise_int8_blocked{{(_[0-9]+)?}}> : tensor<1x3x3x1x16xi32>
// CHECK-DAG: %[[INIT:.*]] = arith.constant dense<54> : tensor<16xi32>
// CHECK: scf.for
// CHECK: vector.transfer_read %[[INIT]]{{.*}} : tensor<16xi32>, vector<16xi32>
// CHECK: %[[BYTES:.*]] = vector.transfer_read %{{.*}} : tensor<1x6x6x16xi8>, vector<16xi8>
// CHECK: %[[X:.*]] = arith.extsi %[[BYTES]] : vector<16xi8> to vector<16xi32>
// CHECK: %[[WV:.*]] = vector.transfer_read %[[W]]{{.*}} : tensor<1x3x3x1x16xi32>, vector<16xi32>
// CHECK: %[[P:.*]] = arith.muli %[[X]], %[[WV]] : vector<16xi32>
// CHECK: arith.addi %{{.*}}, %[[P]] : vector<16xi32>
// CHECK: arith.sitofp %{{.*}} : vector<16xi32> to vector<16xf32>
// CHECK: math.exp %{{.*}} : vector<16xf32>
// CHECK: vector.transfer_write %{{.*}} : vector<16xf32>, tensor<1x4x4x16xf32>
// CHECK-NOT: linalg.
// CHECK: return

// PAIRS-LABEL: func.func @integer_depthwise
// PAIRS: arith.constant dense<54> : tensor<16xi32>
// PAIRS: arith.muli %{{.*}} : vector<8xi32>
// PAIRS-NOT: linalg.
// PAIRS: return

// NONE-LABEL: func.func @integer_depthwise
// NONE: linalg.depthwise_conv_2d_nhwc_hwc_q
func.func @integer_depthwise(%x: tensor<1x6x6x16xi8>, %scale: tensor<16xf32>) -> tensor<1x4x4x16xf32> {
  %izp = arith.constant -3 : i32
  %fzp = arith.constant 0 : i32
  %w = arith.constant dense<2> : tensor<3x3x16xi8>
  %e = tensor.empty() : tensor<1x4x4x16xi32>
  %f = linalg.fill ins(%fzp : i32) outs(%e : tensor<1x4x4x16xi32>) -> tensor<1x4x4x16xi32>
  %acc = linalg.depthwise_conv_2d_nhwc_hwc_q {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w, %izp, %fzp : tensor<1x6x6x16xi8>, tensor<3x3x16xi8>, i32, i32) outs(%f : tensor<1x4x4x16xi32>) -> tensor<1x4x4x16xi32>
  %eo = tensor.empty() : tensor<1x4x4x16xf32>
  %y = linalg.generic {indexing_maps = [#id, #channel, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc, %scale : tensor<1x4x4x16xi32>, tensor<16xf32>) outs(%eo : tensor<1x4x4x16xf32>) {
  ^bb0(%a: i32, %s: f32, %o: f32):
    %v = arith.sitofp %a : i32 to f32
    %m = arith.mulf %v, %s : f32
    %x1 = math.exp %m : f32
    linalg.yield %x1 : f32
  } -> tensor<1x4x4x16xf32>
  return %y : tensor<1x4x4x16xf32>
}
