//===- MapLinalgToKernels.cpp - one GPU kernel per linalg op --------------===//

#include "se/Codegen/GPU/Passes.h"

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::se {
#define GEN_PASS_DEF_SEGPUMAPLINALGTOKERNELS
#include "se/Codegen/GPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

/// A kernel name from the op's name: `linalg.conv_2d_nhwc_hwcf` ->
/// `conv_2d_nhwc_hwcf_<index>`.
static std::string kernelName(linalg::LinalgOp op, unsigned index) {
  StringRef name = op->getName().stripDialect();
  return (name + "_" + Twine(index)).str();
}

/// Replaces `op` by a launch in which each thread runs `op` on the slice of
/// one point of its parallel dimensions.
static LogicalResult mapToKernel(linalg::LinalgOp op, int64_t blockSize,
                                 const se::KernelOptions &options) {
  if (!op.hasPureBufferSemantics())
    return op->emitError("expected a linalg op on buffers");
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic))
    return op->emitError("GPU kernels need static shapes");

  SmallVector<unsigned> parallelDims;
  op.getParallelDims(parallelDims);
  SmallVector<int64_t> extents;
  int64_t points = se::collectExtents(ranges, parallelDims, extents);
  int64_t threads =
      std::min(blockSize, std::max<int64_t>(32, llvm::alignTo(points, 32)));

  ImplicitLocOpBuilder b(op.getLoc(), op);
  se::IndexMath math(b);
  auto launch = se::createKernelLaunch(b, llvm::divideCeil(points, threads), 1,
                                       threads, {}, options);
  Value linear = math.add(math.mul(launch.getBlockIds().x, threads),
                          launch.getThreadIds().x);
  auto guard = scf::IfOp::create(b, math.less(linear, points),
                                 /*withElseRegion=*/false);
  b.setInsertionPointToStart(guard.thenBlock());

  // The innermost parallel dimension varies fastest.
  se::emitOpAtPoint(b, op, parallelDims, math.delinearize(linear, extents));
  op->erase();
  return success();
}

/// Whether `op` is an all-parallel generic op with one input and one
/// output.
static bool isUnaryElementwise(linalg::GenericOp op) {
  return op && op.getNumDpsInputs() == 1 && op.getNumDpsInits() == 1 &&
         op.getNumReductionLoops() == 0;
}

/// The per-channel bias that the op right before `conv` broadcasts into
/// its output, or null.
static Value matchBiasInit(linalg::Conv2DNhwcHwcfOp conv) {
  auto init = dyn_cast_or_null<linalg::GenericOp>(conv->getPrevNode());
  Value output = conv.getDpsInits()[0];
  if (!isUnaryElementwise(init) || init.getDpsInits()[0] != output)
    return {};
  Block &body = init.getRegion().front();
  MLIRContext *context = conv.getContext();
  SmallVector<AffineMap> maps = init.getIndexingMapsArray();
  if (body.getTerminator()->getOperand(0) != body.getArgument(0) ||
      maps[0] != AffineMap::get(4, 0, getAffineDimExpr(3, context)) ||
      !maps[1].isIdentity())
    return {};
  return init.getDpsInputs()[0];
}

/// The element-wise op right after `conv` whose only input is its output
/// (read one to one, its own output unread), or null. Its result may go
/// elsewhere only if nothing else reads the convolution's output.
static linalg::GenericOp
matchElementwiseEpilogue(linalg::Conv2DNhwcHwcfOp conv) {
  auto next = dyn_cast_or_null<linalg::GenericOp>(conv->getNextNode());
  Value output = conv.getDpsInits()[0];
  if (!isUnaryElementwise(next) || next.getDpsInputs()[0] != output ||
      !llvm::all_of(next.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return {};
  Block &body = next.getRegion().front();
  if (!body.getArgument(1).use_empty() ||
      !llvm::all_of(body.without_terminator(),
                    [](Operation &op) { return isPure(&op); }))
    return {};
  if (next.getDpsInits()[0] != output) {
    Operation *init = conv->getPrevNode();
    if (!output.getDefiningOp<memref::ViewOp>() ||
        llvm::any_of(output.getUsers(), [&](Operation *user) {
          return user != conv && user != next && user != init;
        }))
      return {};
  }
  return next;
}

/// A buffer's bytes when it is a function argument or a view at a constant
/// byte offset into one, or (a superset) a subview or reshape of such.
struct Extent {
  Value base;
  int64_t begin, end;
};
static std::optional<Extent> extentOf(Value buffer) {
  // A subview or reshape lies within its source's bytes.
  while (auto viewLike = buffer.getDefiningOp<ViewLikeOpInterface>()) {
    if (isa<memref::ViewOp>(viewLike))
      break;
    buffer = viewLike.getViewSource();
  }
  auto type = dyn_cast<MemRefType>(buffer.getType());
  if (!type || !type.hasStaticShape() || !type.getLayout().isIdentity() ||
      !type.getElementType().isIntOrFloat())
    return std::nullopt;
  int64_t bytes = type.getNumElements() * type.getElementTypeBitWidth() / 8;
  if (isa<BlockArgument>(buffer))
    return Extent{buffer, 0, bytes};
  auto view = buffer.getDefiningOp<memref::ViewOp>();
  if (!view || !isa<BlockArgument>(view.getSource()))
    return std::nullopt;
  std::optional<int64_t> offset = getConstantIntValue(view.getByteShift());
  if (!offset)
    return std::nullopt;
  return Extent{view.getSource(), *offset, *offset + bytes};
}

/// Whether two buffers may share memory. Distinct arguments do not (the C
/// API passes separate tensors, workspace and weights); views of one
/// argument overlap when their byte ranges do.
static bool mayOverlap(Value a, Value b) {
  std::optional<Extent> x = extentOf(a), y = extentOf(b);
  if (!x || !y)
    return true;
  if (x->base != y->base)
    return false;
  return x->begin < y->end && y->begin < x->end;
}

/// The SE squeeze of the convolution kernel's `result` that the kernel can
/// accumulate as it stores (se-gpu-prepare-squeeze-fusion sets this up):
/// a spatial sum of `result` later in the block whose sums were zero-filled
/// before the convolution (before `firstAbsorbed`, the first op the kernel
/// absorbs), with nothing in between touching the sums, nor anything
/// between the convolution and the squeeze writing `result`. The squeeze goes
/// to `absorbed`; its sums are returned.
static Value matchSqueezeEpilogue(linalg::Conv2DNhwcHwcfOp conv, Value result,
                                  Operation *firstAbsorbed, Operation *last,
                                  SmallVectorImpl<Operation *> &absorbed) {
  auto outType = cast<MemRefType>(result.getType());
  if (outType.getRank() != 4 ||
      outType.getDimSize(1) * outType.getDimSize(2) < 8)
    return {};
  SmallVector<linalg::LinalgOp> between;
  linalg::GenericOp squeeze;
  for (Operation *op = last->getNextNode(); op && !squeeze;
       op = op->getNextNode()) {
    if (auto generic = dyn_cast<linalg::GenericOp>(op);
        se::isSpatialSum(generic)) {
      auto collapse =
          generic.getDpsInputs()[0].getDefiningOp<memref::CollapseShapeOp>();
      if (collapse && collapse.getSrc() == result) {
        squeeze = generic;
        break;
      }
    }
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
      between.push_back(linalgOp);
      continue;
    }
    if (!isPure(op))
      return {};
  }
  if (!squeeze)
    return {};
  Value sums = squeeze.getDpsInits()[0];
  // A launch's buffers are the values its body uses from above.
  auto touchesSums = [&](Operation *op) {
    SetVector<Value> used(op->getOperands().begin(), op->getOperands().end());
    if (auto launch = dyn_cast<gpu::LaunchOp>(op))
      getUsedValuesDefinedAbove(launch.getBody(), used);
    return llvm::any_of(used, [&](Value value) {
      return isa<MemRefType>(value.getType()) && mayOverlap(value, sums);
    });
  };
  // Back to the zero fill of the sums, past ops that do not touch them.
  linalg::FillOp zeroFill;
  for (Operation *op = firstAbsorbed->getPrevNode(); op && !zeroFill;
       op = op->getPrevNode()) {
    auto fill = dyn_cast<linalg::FillOp>(op);
    if (fill && fill.getOutputs()[0] == sums &&
        matchPattern(fill.getInputs()[0], m_AnyZeroFloat())) {
      zeroFill = fill;
      break;
    }
    if (isPure(op))
      continue;
    if (!isa<linalg::LinalgOp, gpu::LaunchOp>(op) || touchesSums(op))
      return {};
  }
  if (!zeroFill)
    return {};
  for (Value operand : conv->getOperands())
    if (mayOverlap(operand, sums))
      return {};
  if (mayOverlap(result, sums))
    return {};
  for (linalg::LinalgOp op : between) {
    if (touchesSums(op) || llvm::any_of(op.getDpsInits(), [&](Value written) {
          return mayOverlap(written, result);
        }))
      return {};
  }
  absorbed.push_back(squeeze);
  return sums;
}

/// The zero-padded input of `conv` made by filling a buffer with zeros and
/// copying a tensor into its interior: the tensor and the interior's offset
/// (the copy, the fill and the interior view go to `absorbed`, in an order
/// they can be erased in), or nothing.
static std::optional<se::ConvInput>
matchZeroPadding(linalg::Conv2DNhwcHwcfOp conv,
                 SmallVectorImpl<Operation *> &absorbed) {
  Value padded = conv.getDpsInputs()[0];
  if (!padded.getDefiningOp<memref::ViewOp>())
    return std::nullopt;
  Operation *fill = nullptr;
  memref::SubViewOp interior;
  linalg::CopyOp copy;
  for (Operation *user : padded.getUsers()) {
    if (user == conv)
      continue;
    if (auto map = dyn_cast<linalg::MapOp>(user);
        map && map.getInputs().empty() && map.getInit() == padded &&
        matchPattern(map.getMapper().front().getTerminator()->getOperand(0),
                     m_AnyZeroFloat())) {
      fill = map;
      continue;
    }
    if (auto filler = dyn_cast<linalg::FillOp>(user);
        filler && filler.getOutputs()[0] == padded &&
        matchPattern(filler.getInputs()[0], m_AnyZeroFloat())) {
      fill = filler;
      continue;
    }
    if (auto view = dyn_cast<memref::SubViewOp>(user);
        view && view->hasOneUse()) {
      auto copier = dyn_cast<linalg::CopyOp>(*view->getUsers().begin());
      if (copier && copier.getOutputs()[0] == view.getResult()) {
        interior = view;
        copy = copier;
        continue;
      }
    }
    return std::nullopt;
  }
  if (!fill || !copy || fill->getBlock() != conv->getBlock() ||
      copy->getBlock() != conv->getBlock() || !fill->isBeforeInBlock(copy) ||
      !copy->isBeforeInBlock(conv))
    return std::nullopt;
  ArrayRef<int64_t> offsets = interior.getStaticOffsets();
  Value source = copy.getInputs()[0];
  auto sourceType = dyn_cast<MemRefType>(source.getType());
  if (!sourceType || !sourceType.hasStaticShape() ||
      llvm::any_of(offsets, ShapedType::isDynamic) || offsets[0] != 0 ||
      offsets[3] != 0 ||
      !llvm::all_of(interior.getStaticStrides(),
                    [](int64_t stride) { return stride == 1; }) ||
      interior.getStaticSizes() != sourceType.getShape())
    return std::nullopt;
  // The kernel reads the source when the convolution runs: nothing from the
  // copy on, the convolution's output included, may write it.
  for (Operation *op = copy->getNextNode(); op != conv.getOperation();
       op = op->getNextNode()) {
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
      if (llvm::any_of(linalgOp.getDpsInits(), [&](Value written) {
            return mayOverlap(written, source);
          }))
        return std::nullopt;
      continue;
    }
    if (!isPure(op))
      return std::nullopt;
  }
  if (mayOverlap(conv.getDpsInits()[0], source))
    return std::nullopt;
  absorbed.append({copy, fill, interior});
  return se::ConvInput{source, offsets[1], offsets[2]};
}

/// Whether only ops without side effects lie between `first` and `second`.
static bool areAdjacent(Operation *first, Operation *second) {
  for (Operation *op = first->getNextNode(); op; op = op->getNextNode()) {
    if (op == second)
      return true;
    if (!isPure(op))
      return false;
  }
  return false;
}

/// Whether `op` may share memory with `run` (or itself) through a buffer
/// other than the very same one: a block per image would then race.
static bool mayShareMemory(ArrayRef<linalg::LinalgOp> run,
                           linalg::LinalgOp op) {
  auto buffers = [](linalg::LinalgOp linalgOp) {
    SmallVector<Value> result;
    for (Value operand : linalgOp->getOperands())
      if (isa<MemRefType>(operand.getType()))
        result.push_back(operand);
    return result;
  };
  auto conflict = [&](linalg::LinalgOp writer, linalg::LinalgOp other) {
    for (Value written : writer.getDpsInits())
      for (Value used : buffers(other))
        if (used != written && mayOverlap(written, used))
          return true;
    return false;
  };
  if (conflict(op, op))
    return true;
  return llvm::any_of(run, [&](linalg::LinalgOp member) {
    return conflict(member, op) || conflict(op, member);
  });
}

/// Maps each run of two or more consecutive per-image ops of `ops` not yet
/// `done` to one kernel, adding them to `done`.
template <typename OptionsFn>
static void mapPerImageRuns(ArrayRef<linalg::LinalgOp> ops,
                            DenseSet<Operation *> &done,
                            OptionsFn kernelOptions, int64_t threads) {
  SmallVector<linalg::LinalgOp> run;
  int64_t runBatch = 0;
  unsigned runIndex = 0;
  auto flush = [&] {
    if (run.size() >= 2) {
      SmallVector<Operation *> members(run.begin(), run.end());
      se::KernelOptions options = kernelOptions(run.front(), runIndex);
      options.kernelName = ("per_image_" + Twine(runIndex)).str();
      if (succeeded(
              se::mapPerImageOpsToKernel(run, runBatch, threads, options)))
        done.insert(members.begin(), members.end());
    }
    run.clear();
  };
  for (auto [index, constOp] : llvm::enumerate(ops)) {
    linalg::LinalgOp op = constOp;
    std::optional<int64_t> batch;
    if (!done.contains(op.getOperation()))
      batch = se::getPerImageBatch(op);
    if (!run.empty() &&
        (!batch || *batch != runBatch || !areAdjacent(run.back(), op) ||
         mayShareMemory(run, op)))
      flush();
    if (!batch)
      continue;
    if (run.empty()) {
      runBatch = *batch;
      runIndex = index;
    }
    run.push_back(op);
  }
  flush();
}

namespace {
struct MapLinalgToKernelsPass
    : se::impl::SEGPUMapLinalgToKernelsBase<MapLinalgToKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (blockSize < 32 || blockSize > 1024 || blockSize % 32 != 0) {
      func.emitError("block size must be a multiple of 32 up to 1024, not ")
          << blockSize.getValue();
      return signalPassFailure();
    }
    SmallVector<memref::CopyOp> copies;
    func.walk([&](memref::CopyOp copy) {
      if (!copy->getParentOfType<gpu::LaunchOp>())
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies) {
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy->erase();
    }

    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (!op->getParentOfType<gpu::LaunchOp>())
        ops.push_back(op);
    });
    std::string moduleName = (func.getName() + "_kernels").str();
    auto kernelOptions = [&](linalg::LinalgOp op, unsigned index) {
      se::KernelOptions options;
      options.multiprocessors = gpuSMCount;
      options.moduleName = moduleName;
      options.kernelName = kernelName(op, index);
      return options;
    };

    // Convolutions first: their kernels absorb the bias broadcast before
    // them and the element-wise op after them.
    DenseSet<Operation *> done;
    for (auto [index, op] : llvm::enumerate(ops)) {
      // Ops absorbed by an earlier convolution are gone.
      if (done.contains(op.getOperation()))
        continue;
      auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op.getOperation());
      if (!conv || !tiledConvolutions)
        continue;
      se::ConvEpilogue epilogue;
      SmallVector<Operation *> absorbed;
      if (fuseEpilogues) {
        epilogue.bias = matchBiasInit(conv);
        if (epilogue.bias)
          absorbed.push_back(conv->getPrevNode());
        epilogue.elementwise = matchElementwiseEpilogue(conv);
        if (epilogue.elementwise)
          absorbed.push_back(epilogue.elementwise);
      }
      se::ConvInput input;
      if (fusePadding)
        input = matchZeroPadding(conv, absorbed).value_or(se::ConvInput());
      if (fuseSqueeze) {
        Operation *first = epilogue.bias ? conv->getPrevNode() : conv;
        Operation *last = epilogue.elementwise
                              ? epilogue.elementwise.getOperation()
                              : conv.getOperation();
        Value result = epilogue.elementwise
                           ? epilogue.elementwise.getDpsInits()[0]
                           : conv.getDpsInits()[0];
        epilogue.squeeze =
            matchSqueezeEpilogue(conv, result, first, last, absorbed);
        if (input.source && epilogue.squeeze &&
            mayOverlap(input.source, epilogue.squeeze)) {
          epilogue.squeeze = Value();
          absorbed.pop_back();
        }
      }
      if (failed(se::mapConvToKernel(conv, kernelOptions(op, index), epilogue,
                                     input)))
        continue;
      absorbed.push_back(conv);
      for (Operation *gone : absorbed) {
        done.insert(gone);
        gone->erase();
      }
    }

    if (perImageKernels)
      mapPerImageRuns(ops, done, kernelOptions, blockSize);

    for (auto [index, op] : llvm::enumerate(ops)) {
      if (done.contains(op.getOperation()))
        continue;
      if (splitReductions && !isa<linalg::ConvolutionOpInterface>(*op) &&
          op.getNumReductionLoops() > 0) {
        se::KernelOptions options = kernelOptions(op, index);
        auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
        if (!generic) {
          IRRewriter rewriter(op);
          FailureOr<linalg::GenericOp> generalized =
              linalg::generalizeNamedOp(rewriter, op);
          if (succeeded(generalized))
            generic = *generalized;
        }
        if (generic) {
          op = generic;
          if (succeeded(se::mapReductionToKernel(generic, options))) {
            generic->erase();
            continue;
          }
        }
      }
      if (quadElementwise && succeeded(se::mapElementwiseToQuadKernel(
                                 op, blockSize, kernelOptions(op, index)))) {
        op->erase();
        continue;
      }
      if (failed(mapToKernel(op, blockSize, kernelOptions(op, index))))
        return signalPassFailure();
    }
  }
};
} // namespace
