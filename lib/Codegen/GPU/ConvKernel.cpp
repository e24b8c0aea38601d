//===- ConvKernel.cpp - NHWC/HWCF convolutions as tiled implicit GEMMs ----===//
//
// A convolution out[n][oh][ow][f] += in[n][oh*sh+kh][ow*sw+kw][c] *
// filter[kh][kw][c][f] is the matrix product of A (M = N*OH*OW rows, K =
// KH*KW*C columns, gathered from the input) and B (the filter as K x F).
// Each block of 256 threads computes one BM x BN tile of the output; per
// step of BK along K the block stages A (transposed) and B in shared memory,
// then each thread accumulates a T x T sub-tile in registers with outer
// products, while its loads for the next step are in flight (where it
// loads quads of the input). BM = BN = 16 T and BK = 64 / T, so that staging
// takes one 4-float load of A and one of B per thread and step.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "se/Codegen/GPU/KernelConfig.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

using namespace mlir;

namespace {
/// The convolution's sizes. The input is padded; with `padTop`/`padLeft`
/// the kernel reads an unpadded `h` x `w` source at that offset instead.
struct ConvShape {
  int64_t n, c, kh, kw, f, oh, ow, strideH, strideW;
  bool readsSource = false;
  int64_t h = 0, w = 0, padTop = 0, padLeft = 0;
  int64_t m() const { return n * oh * ow; }
  int64_t k() const { return kh * kw * c; }
};

/// Builds the kernel body of one convolution with one tile size.
class ConvKernelBuilder : se::IndexMath {
public:
  ConvKernelBuilder(ImplicitLocOpBuilder &b, const ConvShape &shape,
                    int64_t tile, bool vectorInput)
      : IndexMath(b), s(shape), t(tile), bm(16 * tile), bk(64 / tile),
        vectorInput(vectorInput) {}

  void build(gpu::LaunchOp launch, Value input, Value filter, Value output,
             const se::ConvEpilogue &epilogue);

private:
  /// The input element of row `m` (as image, output row and column) and
  /// column `k` of A, and when reading an unpadded source, whether it lies
  /// inside it (else it is padding: zero).
  struct InputElement {
    SmallVector<Value> indices;
    Value inside;
  };
  InputElement inputElement(ArrayRef<Value> pixel, Value k) {
    Value c = rem(k, s.c), rest = div(k, s.c);
    Value kw = rem(rest, s.kw), kh = div(rest, s.kw);
    Value row = add(mul(pixel[1], s.strideH), kh);
    Value column = add(mul(pixel[2], s.strideW), kw);
    if (!s.readsSource)
      return {{pixel[0], row, column, c}, nullptr};
    auto within = [&](Value x, int64_t low, int64_t size) {
      return both(
          arith::CmpIOp::create(b, arith::CmpIPredicate::uge, x, index(low)),
          less(x, low + size));
    };
    Value inside =
        both(within(row, s.padTop, s.h), within(column, s.padLeft, s.w));
    return {{pixel[0], arith::SubIOp::create(b, row, index(s.padTop)),
             arith::SubIOp::create(b, column, index(s.padLeft)), c},
            inside};
  }

  /// `condition`, and `inside` when there is one.
  Value andInside(Value condition, Value inside) {
    return inside ? both(condition, inside) : condition;
  }

  /// (image, output row, output column) of output row `m` of the GEMM.
  SmallVector<Value> pixelOf(Value m) {
    Value ow = rem(m, s.ow), rest = div(m, s.ow);
    return {div(rest, s.oh), rem(rest, s.oh), ow};
  }

  /// A value of type `type` loaded by `load` when `condition` holds, else
  /// zero.
  Value loadIf(Value condition, Type type, function_ref<Value()> load) {
    auto branch = scf::IfOp::create(b, type, condition, /*withElse=*/true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(branch.thenBlock());
      scf::YieldOp::create(b, load());
      b.setInsertionPointToStart(branch.elseBlock());
      scf::YieldOp::create(b, zeroOf(type));
    }
    return branch.getResult(0);
  }

  /// `op`'s body applied to each lane of `vector`.
  Value applyElementwise(linalg::GenericOp op, Value vector);

  Value zeroOf(Type type) {
    if (auto vector = dyn_cast<VectorType>(type))
      return arith::ConstantOp::create(
          b, vector, DenseElementsAttr::get(vector, b.getF32FloatAttr(0)));
    return arith::ConstantOp::create(b, b.getF32FloatAttr(0));
  }

  ConvShape s;
  int64_t t, bm, bk;
  bool vectorInput;
};
} // namespace

void ConvKernelBuilder::build(gpu::LaunchOp launch, Value input, Value filter,
                              Value output, const se::ConvEpilogue &epilogue) {
  Value sharedA = launch.getWorkgroupAttributions()[0];
  Value sharedB = launch.getWorkgroupAttributions()[1];
  Value tid = launch.getThreadIds().x;
  Value rowBase = mul(launch.getBlockIds().x, bm);
  Value colBase = mul(launch.getBlockIds().y, bm);
  auto quad = VectorType::get({4}, b.getF32Type());
  auto row = VectorType::get({t}, b.getF32Type());
  llvm::MaybeAlign quadAlign(16), rowAlign(std::min<int64_t>(16, 4 * t));

  // Staging assignment: thread `tid` loads 4 consecutive columns of one row
  // of A and 4 consecutive columns of one row of B per step.
  Value aRow = div(tid, bk / 4), aCol = mul(rem(tid, bk / 4), 4);
  Value aM = add(rowBase, aRow);
  Value aValid = less(aM, s.m());
  SmallVector<Value> aPixel =
      pixelOf(arith::SelectOp::create(b, aValid, aM, index(0)));
  Value bRow = div(tid, bm / 4), bCol = mul(rem(tid, bm / 4), 4);
  Value bF = add(colBase, bCol);
  Value bValid = less(bF, s.f);
  Value filterKF = memref::CollapseShapeOp::create(
      b, filter, SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
  // Compute assignment: a T x T sub-tile per thread.
  Value ty = div(tid, 16), tx = rem(tid, 16);
  Value aOffset = mul(ty, t), bOffset = mul(tx, t);

  // The quads of A and B that this thread stages for the step at `k0`
  // (zeros beyond K).
  auto loadStep = [&](Value k0) -> std::pair<Value, Value> {
    Value kA = add(k0, aCol);
    Value a;
    if (vectorInput) {
      // C % 4 == 0: the four columns are four channels of one input pixel.
      InputElement element = inputElement(aPixel, kA);
      a = loadIf(andInside(both(aValid, less(kA, s.k())), element.inside), quad,
                 [&] {
                   return vector::LoadOp::create(
                       b, quad, input, element.indices, false, quadAlign);
                 });
    } else {
      SmallVector<Value> columns;
      for (int64_t i = 0; i < 4; ++i) {
        Value k = add(kA, index(i));
        InputElement element = inputElement(aPixel, k);
        columns.push_back(loadIf(
            andInside(both(aValid, less(k, s.k())), element.inside),
            b.getF32Type(),
            [&] { return memref::LoadOp::create(b, input, element.indices); }));
      }
      a = vector::FromElementsOp::create(b, quad, columns);
    }
    Value kB = add(k0, bRow);
    Value bQuad = loadIf(both(bValid, less(kB, s.k())), quad, [&] {
      return vector::LoadOp::create(b, quad, filterKF, ValueRange{kB, bF},
                                    false, quadAlign);
    });
    return {a, bQuad};
  };

  // With whole quads of the input, each step stages the quads loaded during
  // the previous one, then loads the next step's while it computes: the
  // global loads' latency hides behind the outer products. (Gathering
  // single floats, as the 3-channel stem does, has too many live values.)
  bool prefetch = vectorInput;
  SmallVector<Value> iterArgs(t, zeroOf(row));
  if (prefetch) {
    auto [firstA, firstB] = loadStep(index(0));
    iterArgs.append({firstA, firstB});
  }
  auto steps =
      scf::ForOp::create(b, index(0), index(s.k()), index(bk), iterArgs);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(steps.getBody());
    Value k0 = steps.getInductionVar();
    ValueRange carried = steps.getRegionIterArgs();
    auto [stagedA, stagedB] =
        prefetch ? std::make_pair(carried[t], carried[t + 1]) : loadStep(k0);
    for (int64_t i = 0; i < 4; ++i)
      memref::StoreOp::create(b, vector::ExtractOp::create(b, stagedA, i),
                              sharedA, ValueRange{add(aCol, index(i)), aRow});
    vector::StoreOp::create(b, stagedB, sharedB, ValueRange{bRow, bCol}, false,
                            quadAlign);
    gpu::BarrierOp::create(b);
    std::pair<Value, Value> next;
    if (prefetch)
      next = loadStep(add(k0, index(bk)));

    // Outer products over the staged columns, unrolled.
    SmallVector<Value> sums(carried.take_front(t));
    for (int64_t kk = 0; kk < bk; ++kk) {
      Value a = vector::LoadOp::create(
          b, row, sharedA, ValueRange{index(kk), aOffset}, false, rowAlign);
      Value bRowValues = vector::LoadOp::create(
          b, row, sharedB, ValueRange{index(kk), bOffset}, false, rowAlign);
      for (int64_t i = 0; i < t; ++i) {
        Value ai = vector::BroadcastOp::create(
            b, row, vector::ExtractOp::create(b, a, i));
        sums[i] = vector::FMAOp::create(b, ai, bRowValues, sums[i]);
      }
    }
    gpu::BarrierOp::create(b);
    if (prefetch)
      sums.append({next.first, next.second});
    scf::YieldOp::create(b, sums);
  }

  // out = (bias or out) + acc, then the element-wise op, row by row of the
  // sub-tile.
  Value f0 = add(colBase, bOffset);
  Value fValid = less(f0, s.f);
  Value bias;
  if (epilogue.bias)
    bias = loadIf(fValid, row, [&] {
      return vector::LoadOp::create(b, row, epilogue.bias, ValueRange{f0},
                                    false, rowAlign);
    });
  linalg::GenericOp elementwise = epilogue.elementwise;
  Value result = elementwise ? elementwise.getDpsInits()[0] : output;
  // With a squeeze, the stored rows are also summed per channel, apart for
  // the image of the thread's first row and the next one (its T rows span
  // at most two images when T <= OH * OW).
  Value firstM = add(rowBase, aOffset);
  Value firstImage =
      div(arith::MinUIOp::create(b, firstM, index(s.m() - 1)), s.oh * s.ow);
  SmallVector<Value, 2> imageSums(2, zeroOf(row));
  for (int64_t i = 0; i < t; ++i) {
    Value m = add(firstM, index(i));
    auto guard =
        scf::IfOp::create(b, TypeRange{row}, both(fValid, less(m, s.m())),
                          /*withElse=*/true);
    {
      OpBuilder::InsertionGuard insertion(b);
      b.setInsertionPointToStart(guard.thenBlock());
      SmallVector<Value> indices = pixelOf(m);
      indices.push_back(f0);
      Value start = bias ? bias
                         : vector::LoadOp::create(b, row, output, indices,
                                                  false, rowAlign)
                               .getResult();
      Value value = arith::AddFOp::create(b, start, steps.getResult(i));
      if (elementwise)
        value = applyElementwise(elementwise, value);
      vector::StoreOp::create(b, value, result, indices, false, rowAlign);
      scf::YieldOp::create(b, value);
      b.setInsertionPointToStart(guard.elseBlock());
      scf::YieldOp::create(b, zeroOf(row));
    }
    if (!epilogue.squeeze)
      continue;
    Value inFirst = arith::CmpIOp::create(b, arith::CmpIPredicate::eq,
                                          div(m, s.oh * s.ow), firstImage);
    Value stored = guard.getResult(0);
    Value zero = zeroOf(row);
    imageSums[0] = arith::AddFOp::create(
        b, imageSums[0], arith::SelectOp::create(b, inFirst, stored, zero));
    imageSums[1] = arith::AddFOp::create(
        b, imageSums[1], arith::SelectOp::create(b, inFirst, zero, stored));
  }
  if (!epilogue.squeeze)
    return;
  Value lastM =
      arith::MinUIOp::create(b, add(firstM, index(t - 1)), index(s.m() - 1));
  Value spansTwo = arith::CmpIOp::create(b, arith::CmpIPredicate::ne,
                                         div(lastM, s.oh * s.ow), firstImage);
  auto addSums = [&](Value sums, Value image) {
    for (int64_t j = 0; j < t; ++j)
      memref::AtomicRMWOp::create(
          b, arith::AtomicRMWKind::addf, vector::ExtractOp::create(b, sums, j),
          epilogue.squeeze, ValueRange{image, add(f0, index(j))});
  };
  auto any = scf::IfOp::create(b, both(fValid, less(firstM, s.m())),
                               /*withElse=*/false);
  b.setInsertionPointToStart(any.thenBlock());
  addSums(imageSums[0], firstImage);
  auto second = scf::IfOp::create(b, spansTwo, /*withElse=*/false);
  b.setInsertionPointToStart(second.thenBlock());
  addSums(imageSums[1], add(firstImage, index(1)));
}

Value ConvKernelBuilder::applyElementwise(linalg::GenericOp op, Value vector) {
  Block &body = op.getRegion().front();
  Value lanes = vector;
  for (int64_t j = 0; j < t; ++j) {
    IRMapping mapping;
    mapping.map(body.getArgument(0),
                vector::ExtractOp::create(b, vector, j).getResult());
    for (Operation &bodyOp : body.without_terminator())
      b.clone(bodyOp, mapping);
    Value lane = mapping.lookupOrDefault(body.getTerminator()->getOperand(0));
    lanes = vector::InsertOp::create(b, lane, lanes, j);
  }
  return lanes;
}

FailureOr<gpu::LaunchOp> mlir::se::mapConvToKernel(
    linalg::Conv2DNhwcHwcfOp conv, const KernelOptions &options,
    const ConvEpilogue &epilogue, const ConvInput &padding) {
  Value input = conv.getDpsInputs()[0], filter = conv.getDpsInputs()[1];
  Value output = conv.getDpsInits()[0];
  auto inputType = dyn_cast<MemRefType>(input.getType());
  auto filterType = dyn_cast<MemRefType>(filter.getType());
  auto outputType = dyn_cast<MemRefType>(output.getType());
  if (!inputType || !filterType || !outputType || !inputType.hasStaticShape() ||
      !filterType.hasStaticShape() || !outputType.hasStaticShape() ||
      !inputType.getElementType().isF32() ||
      !filterType.getElementType().isF32() ||
      !outputType.getElementType().isF32() ||
      !filterType.getLayout().isIdentity())
    return failure();
  if (!llvm::all_of(conv.getDilations().getValues<int64_t>(),
                    [](int64_t d) { return d == 1; }))
    return failure();
  SmallVector<int64_t> strides =
      llvm::to_vector(conv.getStrides().getValues<int64_t>());
  ArrayRef<int64_t> in = inputType.getShape(), fl = filterType.getShape(),
                    out = outputType.getShape();
  ConvShape shape{in[0],  in[3],  fl[0],      fl[1],     fl[3],
                  out[1], out[2], strides[0], strides[1]};
  if (shape.f % 4 != 0 || !se::isQuadAligned(filter) ||
      !se::isQuadAligned(output))
    return failure();
  if (epilogue.bias && !se::isQuadAligned(epilogue.bias))
    return failure();
  if (epilogue.squeeze &&
      (shape.oh * shape.ow < 8 ||
       cast<MemRefType>(epilogue.squeeze.getType()).getShape() !=
           ArrayRef<int64_t>{shape.n, shape.f}))
    return failure();
  if (linalg::GenericOp elementwise = epilogue.elementwise;
      elementwise && (!se::isQuadAligned(elementwise.getDpsInits()[0]) ||
                      elementwise.getDpsInits()[0].getType() != outputType))
    return failure();
  if (padding.source) {
    auto sourceType = dyn_cast<MemRefType>(padding.source.getType());
    if (!sourceType || !sourceType.hasStaticShape() ||
        sourceType.getElementType() != inputType.getElementType() ||
        sourceType.getShape()[0] != in[0] || sourceType.getShape()[3] != in[3])
      return failure();
    shape.readsSource = true;
    shape.h = sourceType.getShape()[1];
    shape.w = sourceType.getShape()[2];
    shape.padTop = padding.top;
    shape.padLeft = padding.left;
    input = padding.source;
  }
  bool vectorInput = shape.c % 4 == 0 && se::isQuadAligned(input);

  ConvTileConfig config =
      selectConvTile(shape.m(), shape.f, options.multiprocessors);
  int64_t edge = config.edge();

  ImplicitLocOpBuilder b(conv.getLoc(), conv);
  MemRefType staged =
      getWorkgroupMemRefType({config.depth(), edge}, b.getF32Type());
  auto launch = createKernelLaunch(
      b, llvm::divideCeil(shape.m(), edge), llvm::divideCeil(shape.f, edge),
      ConvTileConfig::kThreads, SmallVector<Type>{staged, staged}, options);
  ConvKernelBuilder(b, shape, config.subTile, vectorInput)
      .build(launch, input, filter, output, epilogue);
  return launch;
}
