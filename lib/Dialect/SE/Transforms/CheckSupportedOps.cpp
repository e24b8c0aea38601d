//===- CheckSupportedOps.cpp - reject graph ops the compiler cannot lower -===//

#include "se/Dialect/SE/Transforms/Passes.h"

#include "se/Dialect/SE/IR/SEOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECHECKSUPPORTEDOPS
#include "se/Dialect/SE/Transforms/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

/// Ops that only produce constants, shapes or control flow: any types.
static bool isStructural(Operation *op) {
  return isa<tosa::ConstOp, tosa::ConstShapeOp, arith::ConstantOp,
             func::ReturnOp>(op);
}

/// The ops with a lowering and a numerical test (docs/graph-ops.md).
static bool isSupported(Operation *op) {
  return isStructural(op) ||
         isa<se::SqueezeExciteOp, se::QuantizeOp, se::DequantizeOp,
             // Convolutions, matrix products, pooling.
             tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp,
             tosa::MaxPool2dOp, tosa::AvgPool2dOp, tosa::ReduceMaxOp,
             tosa::ReduceSumOp,
             // Element-wise.
             tosa::AddOp, tosa::SubOp, tosa::MulOp, tosa::MaximumOp,
             tosa::ClampOp, tosa::SigmoidOp, tosa::TanhOp, tosa::ExpOp,
             tosa::ReciprocalOp, tosa::RsqrtOp, tosa::MinimumOp,
             // Data movement.
             tosa::ReshapeOp, tosa::TransposeOp, tosa::SliceOp, tosa::ConcatOp,
             tosa::TileOp,
             // Grouped convolution (TOSA has none), as the zoo writes it.
             linalg::Conv2DNhwgcGfhwcOp, linalg::FillOp, tensor::EmptyOp,
             tensor::PadOp, tensor::YieldOp, tensor::ExpandShapeOp,
             tensor::CollapseShapeOp>(op);
}

namespace {
struct CheckSupportedOpsPass
    : se::impl::SECheckSupportedOpsBase<CheckSupportedOpsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !tensor.hasStaticShape() ||
          !tensor.getElementType().isF32()) {
        func.emitError() << "argument " << i << " of '" << func.getName()
                         << "' has type " << type
                         << "; se-compile needs statically shaped f32 tensors";
        return signalPassFailure();
      }
    }
    WalkResult result =
        getOperation().walk<WalkOrder::PreOrder>([&](Operation *op) {
          if (op == getOperation())
            return WalkResult::advance();
          if (!isSupported(op)) {
            op->emitError() << "unsupported op '" << op->getName()
                            << "': se-compile lowers the ops listed in "
                               "docs/graph-ops.md";
            return WalkResult::interrupt();
          }
          if (isStructural(op) || isa<tensor::YieldOp>(op))
            return WalkResult::advance();
          for (Type type : op->getResultTypes()) {
            auto tensor = dyn_cast<RankedTensorType>(type);
            if (!tensor || !tensor.hasStaticShape()) {
              op->emitError()
                  << "'" << op->getName() << "' has a result of type " << type
                  << "; se-compile needs static shapes";
              return WalkResult::interrupt();
            }
            // The 8-bit integers of a quantization op, and the int8
            // weights a dequantization reads.
            bool quantized =
                tensor.getElementType().isInteger(8) &&
                (isa<se::QuantizeOp>(op) ||
                 (op->hasTrait<OpTrait::ConstantLike>() &&
                  llvm::all_of(op->getUsers(), [](Operation *user) {
                    return isa<se::DequantizeOp>(user);
                  })));
            if (!tensor.getElementType().isF32() && !quantized) {
              op->emitError() << "'" << op->getName() << "' computes on "
                              << tensor.getElementType()
                              << "; se-compile compiles f32 models";
              return WalkResult::interrupt();
            }
          }
          // A named linalg op's body is its own business.
          return isa<linalg::LinalgOp>(op) ? WalkResult::skip()
                                           : WalkResult::advance();
        });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
