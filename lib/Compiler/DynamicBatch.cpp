//===- DynamicBatch.cpp - may a model run image by image? -----------------===//
//
// A model compiled for any batch (batch=dynamic) runs its batch-1 code once
// per image (se-cpu-batch-entry). That is the model's meaning only where
// every image's outputs depend on that image's inputs alone. The compiler
// builds the graph at batch 1 and at batch 2 and compares them op by op:
// a value carries the batch where its type differs between the two, and it
// must then differ in dimension 0 only, 1 against 2; an op that reads such
// a value must give such values back and must not work along dimension 0.
//
//===----------------------------------------------------------------------===//

#include "se/Compiler/Compiler.h"
#include "se/Dialect/SE/IR/SEOps.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

/// The dimension that holds the batch in a value of type `one` at batch 1
/// and `two` at batch 2: the one dimension in which they differ, of
/// extent 1 against 2; none when they differ otherwise.
static std::optional<int64_t> getBatchAxis(Type one, Type two) {
  auto first = dyn_cast<RankedTensorType>(one);
  auto second = dyn_cast<RankedTensorType>(two);
  if (!first || !second || first.getRank() != second.getRank() ||
      first.getElementType() != second.getElementType())
    return std::nullopt;
  std::optional<int64_t> axis;
  for (int64_t d = 0; d < first.getRank(); ++d) {
    if (first.getDimSize(d) == second.getDimSize(d))
      continue;
    if (axis || first.getDimSize(d) != 1 || second.getDimSize(d) != 2)
      return std::nullopt;
    axis = d;
  }
  return axis;
}

/// Whether the batch at `axis` of `type` (at batch 1) is outermost: every
/// dimension before it has extent 1, so each image is one contiguous block.
static bool isOutermost(Type type, int64_t axis) {
  auto shape = cast<RankedTensorType>(type).getShape().take_front(axis);
  return llvm::all_of(shape, [](int64_t extent) { return extent == 1; });
}

static std::string describe(Operation *op) {
  std::string text = "'" + op->getName().getStringRef().str() + "'";
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    text += " at '" + name.getName().str() + "'";
  return text;
}

static std::string typeText(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

/// Whether `op` computes each image on its own, given the batch axes of its
/// operands (`in`) and results (`out`; none for a value without a batch).
static bool isPerImage(Operation *op, ArrayRef<std::optional<int64_t>> in,
                       ArrayRef<std::optional<int64_t>> out) {
  // An op working along an axis that is the batch's (reverse, concat,
  // per-axis quantization).
  if (auto axisAttr = op->getAttrOfType<IntegerAttr>("axis"))
    if (llvm::is_contained(in, std::optional<int64_t>(axisAttr.getInt())))
      return false;
  // Element-wise ops (with broadcasting) and transposes keep each
  // element's batch index wherever the batch is.
  if (op->hasTrait<OpTrait::Elementwise>() ||
      op->hasTrait<OpTrait::tosa::TosaElementwiseOperator>() ||
      isa<tosa::TransposeOp, tosa::CastOp, tosa::IdentityOp, se::QuantizeOp,
          se::DequantizeOp>(op))
    return true;
  // A reshape does where each image stays one contiguous block.
  if (isa<tosa::ReshapeOp>(op))
    return in[0] && out[0] &&
           isOutermost(op->getOperand(0).getType(), *in[0]) &&
           isOutermost(op->getResult(0).getType(), *out[0]);
  // A matrix product's rows (or columns, or batches) are independent.
  if (isa<tosa::MatMulOp>(op)) {
    bool left = !in[0] || *in[0] == 0 || *in[0] == 1;
    bool right = !in[1] || *in[1] == 0 || *in[1] == 2;
    return left && right && (!in[0] || !in[1] || *in[0] == *in[1]);
  }
  // Anything else (convolutions, pooling, reductions, se ops, linalg)
  // with the batch in front of every tensor, as NCHW and NHWC have it.
  auto inFront = [](std::optional<int64_t> axis) {
    return !axis || *axis == 0;
  };
  return llvm::all_of(in, inFront) && llvm::all_of(out, inFront);
}

LogicalResult mlir::se::verifyImagesIndependent(func::FuncOp one,
                                                func::FuncOp two,
                                                std::string &error) {
  auto fail = [&](const Twine &message) {
    error = message.str();
    return failure();
  };
  DenseMap<Value, int64_t> axes;
  auto axisOf = [&](Value v) -> std::optional<int64_t> {
    auto it = axes.find(v);
    if (it == axes.end())
      return std::nullopt;
    return it->second;
  };
  for (auto [i, args] :
       llvm::enumerate(llvm::zip(one.getArguments(), two.getArguments()))) {
    std::optional<int64_t> axis =
        getBatchAxis(std::get<0>(args).getType(), std::get<1>(args).getType());
    if (axis != 0)
      return fail("input " + Twine(i) +
                  " has no batch dimension in front; a dynamic batch needs "
                  "one in every input");
    axes[std::get<0>(args)] = 0;
  }
  for (auto [i, types] :
       llvm::enumerate(llvm::zip(one.getResultTypes(), two.getResultTypes())))
    if (getBatchAxis(std::get<0>(types), std::get<1>(types)) != 0)
      return fail("output " + Twine(i) +
                  " has no batch dimension in front; a dynamic batch needs "
                  "one in every output");

  SmallVector<Operation *> ops, twins;
  one.walk([&](Operation *op) { ops.push_back(op); });
  two.walk([&](Operation *op) { twins.push_back(op); });
  if (ops.size() != twins.size())
    return fail("the graph at batch 2 has other ops than at batch 1");
  for (auto [op, twin] : llvm::zip(ops, twins)) {
    if (op->getName() != twin->getName() ||
        op->getNumResults() != twin->getNumResults())
      return fail("the graph at batch 2 has other ops than at batch 1 (" +
                  describe(op) + " against " + describe(twin) + ")");
    SmallVector<std::optional<int64_t>> in, out;
    for (Value operand : op->getOperands())
      in.push_back(axisOf(operand));
    for (auto [result, twinResult] :
         llvm::zip(op->getResults(), twin->getResults())) {
      out.push_back(std::nullopt);
      if (result.getType() == twinResult.getType())
        continue;
      out.back() = getBatchAxis(result.getType(), twinResult.getType());
      if (!out.back())
        return fail(describe(op) +
                    " mixes the batch with other dimensions "
                    "(a result of " +
                    typeText(result.getType()) + " at batch 1, " +
                    typeText(twinResult.getType()) +
                    " at batch 2); a dynamic batch needs images apart");
      axes[result] = *out.back();
    }
    bool readsBatch = llvm::any_of(in, [](auto axis) { return axis; });
    if (!readsBatch || isa<func::ReturnOp>(op))
      continue;
    bool resultsCarryBatch =
        !out.empty() && llvm::all_of(out, [](auto axis) { return axis; });
    if (!resultsCarryBatch || !isPerImage(op, in, out))
      return fail(describe(op) +
                  " combines the images of a batch; a dynamic batch needs "
                  "every image computed on its own");
  }
  return success();
}
