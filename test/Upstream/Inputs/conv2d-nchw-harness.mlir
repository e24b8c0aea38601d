// The harness of the conv1d-nchw-*.mlir repros: the same NCHW convolution
// plain (@conv_ref) and marked `decompose` for the repro's transform script
// (@conv_test), run on the same data by @main, which prints the largest
// difference of the two results.
func.func @conv_ref(%in: tensor<1x2x5x6xf32>, %f: tensor<3x2x3x3xf32>, %out: tensor<1x3x3x4xf32>) -> tensor<1x3x3x4xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %f : tensor<1x2x5x6xf32>, tensor<3x2x3x3xf32>) outs(%out : tensor<1x3x3x4xf32>) -> tensor<1x3x3x4xf32>
  return %0 : tensor<1x3x3x4xf32>
}
func.func @conv_test(%in: tensor<1x2x5x6xf32>, %f: tensor<3x2x3x3xf32>, %out: tensor<1x3x3x4xf32>) -> tensor<1x3x3x4xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>, decompose} ins(%in, %f : tensor<1x2x5x6xf32>, tensor<3x2x3x3xf32>) outs(%out : tensor<1x3x3x4xf32>) -> tensor<1x3x3x4xf32>
  return %0 : tensor<1x3x3x4xf32>
}
func.func @main() {
  %in = tensor.generate {
  ^bb0(%n: index, %c: index, %h: index, %w: index):
    %a = arith.muli %h, %w : index
    %b = arith.addi %a, %c : index
    %i = arith.index_cast %b : index to i32
    %v = arith.sitofp %i : i32 to f32
    tensor.yield %v : f32
  } : tensor<1x2x5x6xf32>
  %f = tensor.generate {
  ^bb0(%o: index, %c: index, %h: index, %w: index):
    %a = arith.addi %h, %o : index
    %b = arith.muli %a, %w : index
    %d = arith.addi %b, %c : index
    %i = arith.index_cast %d : index to i32
    %v = arith.sitofp %i : i32 to f32
    tensor.yield %v : f32
  } : tensor<3x2x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x3x4xf32>
  %out = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x4xf32>) -> tensor<1x3x3x4xf32>
  %r = call @conv_ref(%in, %f, %out) : (tensor<1x2x5x6xf32>, tensor<3x2x3x3xf32>, tensor<1x3x3x4xf32>) -> tensor<1x3x3x4xf32>
  %t = call @conv_test(%in, %f, %out) : (tensor<1x2x5x6xf32>, tensor<3x2x3x3xf32>, tensor<1x3x3x4xf32>) -> tensor<1x3x3x4xf32>
  %e0 = tensor.empty() : tensor<f32>
  %acc = linalg.fill ins(%zero : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %m = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> ()>], iterator_types = ["reduction", "reduction", "reduction", "reduction"]} ins(%r, %t : tensor<1x3x3x4xf32>, tensor<1x3x3x4xf32>) outs(%acc : tensor<f32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %d = arith.subf %x, %y : f32
    %ad = math.absf %d : f32
    %mx = arith.maximumf %ad, %o : f32
    linalg.yield %mx : f32
  } -> tensor<f32>
  %s = tensor.extract %m[] : tensor<f32>
  vector.print str "max_abs_diff="
  vector.print %s : f32
  return
}
