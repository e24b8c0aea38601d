//===- ConvWinograd.cpp - Winograd F(2x2, 3x3) on microkernels ------------===//
//
// A 3x3 convolution with stride 1 as 16 matrix products: each 4x4 input
// patch d (stride 2) becomes V = B^T d B, the filter U = G g G^T (at compile
// time), the 16 products M[k] = V[k] x U[k] run on the microkernels, and
// each 2x2 output tile is A^T M A: 16 instead of 36 multiply-adds per
// output pair of channels and tile of 2x2 outputs.
//
//===----------------------------------------------------------------------===//

#include "ConvMicrokernels.h"

#include "se/Utils/ConstantValues.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::se;
using namespace mlir::se::microkernels;

namespace mlir::se::microkernels {

/// U = G g G^T for each (input, output) channel pair, as
/// [16][F / W][1][1][C][W] (one blocked 1x1 filter per element of U).
static DenseResourceElementsAttr
transformWinogradFilter(Attribute hwcf, const ConvShape &shape, int64_t width) {
  int64_t channels = shape.channels, filters = shape.filters;
  std::optional<std::vector<float>> g =
      getF32Values(hwcf, 9 * channels * filters);
  if (!g)
    return {};
  static constexpr double kG[4][3] = {
      {1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
  std::vector<float> packed(16 * channels * filters);
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t f = 0; f < filters; ++f) {
      double taps[3][3], rows[4][3];
      for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b)
          taps[a][b] = (*g)[((a * 3 + b) * channels + c) * filters + f];
      for (int i = 0; i < 4; ++i)
        for (int b = 0; b < 3; ++b)
          rows[i][b] = kG[i][0] * taps[0][b] + kG[i][1] * taps[1][b] +
                       kG[i][2] * taps[2][b];
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) {
          double u = rows[i][0] * kG[j][0] + rows[i][1] * kG[j][1] +
                     rows[i][2] * kG[j][2];
          int64_t element = i * 4 + j;
          packed[((element * (filters / width) + f / width) * channels + c) *
                     width +
                 f % width] = static_cast<float>(u);
        }
    }
  auto type =
      RankedTensorType::get({16, filters / width, 1, 1, channels, width},
                            Float32Type::get(hwcf.getContext()));
  return makeF32Resource(type, "conv_winograd", packed);
}

namespace {
/// Emits the three stages of one Winograd convolution.
class WinogradBuilder {
public:
  WinogradBuilder(OpBuilder &b, Location loc, const ConvShape &shape,
                  int64_t lanes, Value input, Initializer init)
      : b(b), loc(loc), shape(shape), lanes(lanes), input(input), init(init),
        vectorType(VectorType::get({lanes}, b.getF32Type())),
        tilesH(llvm::divideCeil(shape.outputH, 2)),
        tilesW(llvm::divideCeil(shape.outputW, 2)),
        tiles(shape.batch * tilesH * tilesW) {}

  /// The transformed input V of the `count` tiles from tile `first`, as
  /// 16 x 1 x count x C.
  Value transformInput(Value first, int64_t count,
                       SmallVectorImpl<Operation *> &parallelLoops);
  /// The output of the `count` tiles from tile `first`: A^T M A for each,
  /// then the initializer's values and `epilogue`'s consumers, written into
  /// `output`.
  Value transformOutput(Value products, Value first, int64_t count,
                        Value output, ArrayRef<EpilogueStep> epilogue,
                        SmallVectorImpl<Operation *> &parallelLoops);

  int64_t tileCount() const { return tiles; }

private:
  Value constant(int64_t value) { return indexConstant(b, loc, value); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value read(Value tensor, ValueRange indices) {
    return readInBounds(b, loc, vectorType, tensor, indices);
  }
  Value write(Value value, Value tensor, ValueRange indices) {
    return writeInBounds(b, loc, value, tensor, indices);
  }
  /// (image, first row, first column) of tile `t` of the output.
  std::tuple<Value, Value, Value> tileOrigin(Value t);
  /// The input vector at (row, column); zero past the input's bottom or
  /// right edge, which the last tiles of an odd output side reach.
  Value readPatch(Value image, Value row, Value column, Value channel);
  /// `write(tensor)` if `position` lies in the output, else `tensor`: the
  /// last tiles of an odd output side hang over its edge.
  Value ifInside(Position position, Value tensor,
                 function_ref<Value(Value)> write);
  /// A loop over `count` tiles from `first` and, inside, over the channels
  /// in vectors, threading `tensor`; `body` gets (the tile's index among
  /// the `count`, the tile, the channel, the tensor).
  Value
  forEachTileAndVector(Value tensor, Value first, int64_t count,
                       int64_t channels,
                       function_ref<Value(Value, Value, Value, Value)> body,
                       SmallVectorImpl<Operation *> &parallelLoops);

  OpBuilder &b;
  Location loc;
  const ConvShape &shape;
  int64_t lanes;
  Value input;
  Initializer init;
  VectorType vectorType;
  int64_t tilesH, tilesW, tiles;
};
} // namespace

std::tuple<Value, Value, Value> WinogradBuilder::tileOrigin(Value t) {
  Value perImage = constant(tilesH * tilesW);
  Value image = arith::DivUIOp::create(b, loc, t, perImage);
  Value inImage = arith::RemUIOp::create(b, loc, t, perImage);
  Value two = constant(2);
  Value row = arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, inImage, constant(tilesW)), two);
  Value column = arith::MulIOp::create(
      b, loc, arith::RemUIOp::create(b, loc, inImage, constant(tilesW)), two);
  return {image, row, column};
}

/// The condition `index < bound`, or null when `extent` (the side the tiles
/// cover) stays within `bound`.
static Value lessThan(OpBuilder &b, Location loc, Value index, int64_t bound,
                      int64_t extent) {
  if (extent <= bound)
    return {};
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, index,
                               indexConstant(b, loc, bound));
}

/// `x && y` where either may be null (true).
static Value both(OpBuilder &b, Location loc, Value x, Value y) {
  if (!x || !y)
    return x ? x : y;
  return arith::AndIOp::create(b, loc, x, y);
}

Value WinogradBuilder::readPatch(Value image, Value row, Value column,
                                 Value channel) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t height = inputType.getDimSize(1), width = inputType.getDimSize(2);
  Value inside = both(b, loc, lessThan(b, loc, row, height, 2 * tilesH + 2),
                      lessThan(b, loc, column, width, 2 * tilesW + 2));
  if (!inside)
    return read(input, {image, row, column, channel});
  // Read at the clamped position (always in bounds), then zero it outside.
  auto clamp = [&](Value index, int64_t bound) {
    return arith::MinUIOp::create(b, loc, index, constant(bound - 1));
  };
  Value value =
      read(input, {image, clamp(row, height), clamp(column, width), channel});
  Value zero = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(vectorType, b.getF32FloatAttr(0.0f)));
  return arith::SelectOp::create(b, loc, inside, value, zero);
}

Value WinogradBuilder::ifInside(Position position, Value tensor,
                                function_ref<Value(Value)> write) {
  Value inside =
      both(b, loc, lessThan(b, loc, position.row, shape.outputH, 2 * tilesH),
           lessThan(b, loc, position.column, shape.outputW, 2 * tilesW));
  if (!inside)
    return write(tensor);
  auto branch = scf::IfOp::create(b, loc, tensor.getType(), inside,
                                  /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(branch.thenBlock());
  scf::YieldOp::create(b, loc, write(tensor));
  b.setInsertionPointToStart(branch.elseBlock());
  scf::YieldOp::create(b, loc, tensor);
  return branch.getResult(0);
}

Value WinogradBuilder::forEachTileAndVector(
    Value tensor, Value first, int64_t count, int64_t channels,
    function_ref<Value(Value, Value, Value, Value)> body,
    SmallVectorImpl<Operation *> &parallelLoops) {
  auto tileLoop = scf::ForOp::create(
      b, loc, constant(0), constant(count), constant(1), ValueRange{tensor},
      [&](OpBuilder &, Location, Value local, ValueRange tileArgs) {
        Value t = arith::AddIOp::create(b, loc, first, local);
        auto channelLoop = scf::ForOp::create(
            b, loc, constant(0), constant(channels), constant(lanes),
            ValueRange{tileArgs[0]},
            [&](OpBuilder &, Location, Value c, ValueRange args) {
              scf::YieldOp::create(b, loc, body(local, t, c, args[0]));
            });
        scf::YieldOp::create(b, loc, channelLoop.getResults());
      });
  parallelLoops.push_back(tileLoop);
  return tileLoop.getResult(0);
}

Value WinogradBuilder::transformInput(
    Value first, int64_t count, SmallVectorImpl<Operation *> &parallelLoops) {
  Value v = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{16, 1, count, shape.channels}, b.getF32Type());
  return forEachTileAndVector(
      v, first, count, shape.channels,
      [&](Value local, Value t, Value c, Value v) {
        auto [image, row, column] = tileOrigin(t);
        // d: the 4x4 input patch; rows of B^T d, then (B^T d) B.
        Value d[4][4], r[4][4];
        for (int i = 0; i < 4; ++i)
          for (int j = 0; j < 4; ++j)
            d[i][j] = readPatch(
                image, arith::AddIOp::create(b, loc, row, constant(i)),
                arith::AddIOp::create(b, loc, column, constant(j)), c);
        for (int j = 0; j < 4; ++j) {
          r[0][j] = sub(d[0][j], d[2][j]);
          r[1][j] = add(d[1][j], d[2][j]);
          r[2][j] = sub(d[2][j], d[1][j]);
          r[3][j] = sub(d[1][j], d[3][j]);
        }
        for (int i = 0; i < 4; ++i) {
          Value row4[4] = {sub(r[i][0], r[i][2]), add(r[i][1], r[i][2]),
                           sub(r[i][2], r[i][1]), sub(r[i][1], r[i][3])};
          for (int j = 0; j < 4; ++j)
            v = write(row4[j], v, {constant(i * 4 + j), constant(0), local, c});
        }
        return v;
      },
      parallelLoops);
}

Value WinogradBuilder::transformOutput(
    Value products, Value first, int64_t count, Value output,
    ArrayRef<EpilogueStep> epilogue,
    SmallVectorImpl<Operation *> &parallelLoops) {
  return forEachTileAndVector(
      output, first, count, shape.filters,
      [&](Value local, Value t, Value f, Value y) {
        Value image, row, column;
        std::tie(image, row, column) = tileOrigin(t);
        Value m[4][4], s[2][4];
        for (int i = 0; i < 4; ++i)
          for (int j = 0; j < 4; ++j)
            m[i][j] =
                read(products, {constant(i * 4 + j), constant(0), local, f});
        for (int j = 0; j < 4; ++j) {
          s[0][j] = add(add(m[0][j], m[1][j]), m[2][j]);
          s[1][j] = sub(sub(m[1][j], m[2][j]), m[3][j]);
        }
        Value initial;
        if (init.kind == Initializer::Kind::Scalar)
          initial = vector::BroadcastOp::create(b, loc, vectorType, init.value);
        else if (init.kind == Initializer::Kind::Bias)
          initial = read(init.value, {f});
        for (int i = 0; i < 2; ++i) {
          Value out[2] = {add(add(s[i][0], s[i][1]), s[i][2]),
                          sub(sub(s[i][1], s[i][2]), s[i][3])};
          for (int j = 0; j < 2; ++j) {
            Position position{
                arith::AddIOp::create(b, loc, row, constant(i)),
                arith::AddIOp::create(b, loc, column, constant(j))};
            auto store = [&](Value y) {
              Value start = init.kind == Initializer::Kind::Tensor
                                ? read(init.value, {image, position.row,
                                                    position.column, f})
                                : initial;
              Value value =
                  applyEpilogue(b, loc, lanes, epilogue, add(start, out[j]),
                                image, position, f);
              return write(value, y, {image, position.row, position.column, f});
            };
            y = ifInside(position, y, store);
          }
        }
        return y;
      },
      parallelLoops);
}

std::optional<WinogradPlan> planWinograd(const ConvShape &shape, int64_t lanes,
                                         Attribute filterAttr) {
  std::optional<WinogradTiling> tiling = planWinogradTiling(shape, lanes);
  if (!tiling)
    return std::nullopt;
  DenseResourceElementsAttr filter =
      transformWinogradFilter(filterAttr, shape, tiling->plan.blockWidth());
  if (!filter)
    return std::nullopt;
  return WinogradPlan{*tiling, filter};
}

Value buildWinograd(OpBuilder &b, Location loc, const ConvShape &shape,
                    const WinogradPlan &winogradPlan, Value input,
                    Initializer init, ArrayRef<EpilogueStep> epilogue,
                    Value output, SmallVectorImpl<Operation *> &parallelLoops) {
  const MicrokernelPlan &plan = winogradPlan.tiling.plan;
  int64_t chunk = winogradPlan.tiling.chunk;
  WinogradBuilder winograd(b, loc, shape, plan.lanes, input, init);
  Value transformed = arith::ConstantOp::create(b, loc, winogradPlan.filter);
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  auto buildChunk = [&](Value first, Value out,
                        SmallVectorImpl<Operation *> &loops) {
    Value v = winograd.transformInput(first, chunk, loops);
    MicrokernelBuilder multiply(
        b, loc, winogradPlan.tiling.products, plan, v, transformed,
        Initializer{Initializer::Kind::Scalar, zero}, {});
    multiply.setFilterPerImage();
    Value empty = tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{16, 1, chunk, shape.filters}, b.getF32Type());
    Operation *productLoop = nullptr;
    Value m = multiply.build(empty, productLoop);
    if (productLoop)
      loops.push_back(productLoop);
    return winograd.transformOutput(m, first, chunk, out, epilogue, loops);
  };
  int64_t tiles = winograd.tileCount();
  if (chunk == tiles)
    return buildChunk(indexConstant(b, loc, 0), output, parallelLoops);
  // The threads take whole chunks (each with its own transformed tiles and
  // products): one fork per convolution rather than three per chunk. The
  // stages' own loops inside a chunk stay serial.
  SmallVector<Operation *> serialStageLoops;
  auto chunks = scf::ForOp::create(
      b, loc, indexConstant(b, loc, 0), indexConstant(b, loc, tiles),
      indexConstant(b, loc, chunk), ValueRange{output},
      [&](OpBuilder &, Location, Value first, ValueRange args) {
        scf::YieldOp::create(b, loc,
                             buildChunk(first, args[0], serialStageLoops));
      });
  parallelLoops.push_back(chunks);
  return chunks.getResult(0);
}

} // namespace mlir::se::microkernels
