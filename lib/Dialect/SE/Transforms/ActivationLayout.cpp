//===- ActivationLayout.cpp - one activation layout across the graph ------===//
//
// TOSA convolves and pools in NHWC. A graph written in NCHW (ONNX's and
// PyTorch's layout) therefore wraps every convolution and pooling in a pair
// of transposes and runs the ops between them - element-wise ops, batch
// norm, residual adds, reductions, concatenations, SE blocks - in NCHW.
//
// The ops that compute the same in any layout (quantization steps
// included) are grouped into regions linked by the feature maps they pass
// each other (or share). For each region the pass counts the transposes its
// boundary needs with the region's feature maps in their current layout and
// with them permuted by NCHW -> NHWC or NHWC -> NCHW, and rewrites the
// region in the cheapest:
// transposes into and out of it cancel, constants are permuted at compile
// time, and a value whose non-unit dimensions keep their order (an SE gate,
// a pooled vector) is reshaped rather than transposed. Regions are
// revisited until none changes, so a network between convolutions ends up in
// NHWC with transposes only at its boundary.
//
//===----------------------------------------------------------------------===//

#include "se/Dialect/SE/Transforms/Passes.h"

#include "se/Dialect/SE/IR/SEOps.h"
#include "se/Utils/ConstantValues.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlir::se {
#define GEN_PASS_DEF_SEACTIVATIONLAYOUT
#include "se/Dialect/SE/Transforms/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

namespace {

/// transpose(x, perm) has dimension i of extent x's dimension perm[i]:
/// applyPermutation's convention. transpose(transpose(x, first), second) is
/// transpose(x, applyPermutation(first, second)).
using Permutation = SmallVector<int64_t>;

const Permutation kNCHWToNHWC = {0, 2, 3, 1};
const Permutation kNHWCToNCHW = {0, 3, 1, 2};

Permutation permsOf(tosa::TransposeOp op) {
  return Permutation(op.getPerms().begin(), op.getPerms().end());
}

bool isFeatureMap(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getRank() == 4 && tensor.hasStaticShape();
}

RankedTensorType permuteType(Type type, ArrayRef<int64_t> perm) {
  auto tensor = cast<RankedTensorType>(type);
  return tensor.clone(applyPermutation(tensor.getShape(), perm));
}

/// Whether transposing a tensor of `type` by `perm` only moves unit
/// dimensions: then it is a reshape, and free.
bool isReshape(Type type, ArrayRef<int64_t> perm) {
  auto tensor = cast<RankedTensorType>(type);
  int64_t last = -1;
  for (int64_t p : perm) {
    if (tensor.getDimSize(p) == 1)
      continue;
    if (p < last)
      return false;
    last = p;
  }
  return true;
}

/// Ops that compute the same on permuted feature maps, given their axes
/// permuted too. Every rank-4 operand and result is a feature map.
bool isLayoutAgnostic(Operation *op) {
  if (op->getNumResults() != 1 || !isFeatureMap(op->getResult(0).getType()))
    return false;
  // Every operand of the result's rank is permuted with it.
  for (Type type : op->getOperandTypes()) {
    auto tensor = dyn_cast<TensorType>(type);
    if (tensor && (!tensor.hasRank() || tensor.getRank() == 4) &&
        !isFeatureMap(type))
      return false;
  }
  return isa<tosa::AddOp, tosa::SubOp, tosa::MulOp, tosa::MaximumOp,
             tosa::MinimumOp, tosa::ClampOp, tosa::SigmoidOp, tosa::TanhOp,
             tosa::ExpOp, tosa::ReciprocalOp, tosa::RsqrtOp, tosa::ReduceSumOp,
             tosa::ReduceMaxOp, tosa::ConcatOp, se::SqueezeExciteOp,
             se::QuantizeOp, se::DequantizeOp>(op);
}

/// se.squeeze_excite knows two layouts: it can only swap them.
bool acceptsPermutation(Operation *op, ArrayRef<int64_t> perm) {
  auto se = dyn_cast<se::SqueezeExciteOp>(op);
  if (!se)
    return true;
  return ArrayRef<int64_t>(se.getLayout() == se::Layout::NCHW
                               ? kNCHWToNHWC
                               : kNHWCToNCHW) == perm;
}

std::optional<ElementsAttr> constantOf(Value value) {
  auto constant = value.getDefiningOp<tosa::ConstOp>();
  if (!constant)
    return std::nullopt;
  return constant.getValues();
}

/// `attr` (of a rank-4 type) with its dimensions permuted, or nothing for
/// other element types.
std::optional<ElementsAttr> permuteConstant(ElementsAttr attr,
                                            ArrayRef<int64_t> perm) {
  RankedTensorType type = permuteType(attr.getType(), perm);
  if (auto dense = dyn_cast<DenseElementsAttr>(attr); dense && dense.isSplat())
    return ElementsAttr(dense.resizeSplat(type));
  ArrayRef<int64_t> inShape = cast<RankedTensorType>(attr.getType()).getShape();
  std::optional<std::vector<float>> values =
      se::getF32Values(attr, attr.getNumElements());
  if (!values)
    return std::nullopt;
  std::vector<float> out = se::permuteRowMajor<float>(*values, inShape, perm);
  if (isa<DenseResourceElementsAttr>(attr))
    return ElementsAttr(se::makeF32Resource(type, "permuted", out));
  return ElementsAttr(DenseElementsAttr::get(type, ArrayRef<float>(out)));
}

/// A connected set of layout-agnostic ops, in block order.
using Region = SetVector<Operation *>;

/// The change in the number of transposes (reshapes and constants are
/// free) if `region`'s feature maps are permuted by `perm`; nothing when an
/// op cannot take the permutation.
std::optional<int64_t> costOfPermuting(const Region &region,
                                       ArrayRef<int64_t> perm) {
  Permutation back = invertPermutationVector(perm);
  int64_t cost = 0;
  DenseSet<Value> inputs;
  for (Operation *op : region) {
    if (!acceptsPermutation(op, perm))
      return std::nullopt;
    for (Value operand : op->getOperands()) {
      if (!isFeatureMap(operand.getType()) ||
          region.contains(operand.getDefiningOp()) ||
          !inputs.insert(operand).second)
        continue;
      // Permuted at compile time.
      if (constantOf(operand))
        continue;
      if (auto transpose = operand.getDefiningOp<tosa::TransposeOp>()) {
        // Cancels; the transpose goes away once no one else reads it.
        bool onlyHere = llvm::all_of(transpose->getUsers(), [&](Operation *u) {
          return region.contains(u);
        });
        if (isIdentityPermutation(applyPermutation(permsOf(transpose), perm)) &&
            onlyHere)
          --cost;
        continue;
      }
      if (!isReshape(operand.getType(), perm))
        ++cost;
    }
    Value result = op->getResult(0);
    bool readElsewhere = false;
    for (Operation *user : result.getUsers()) {
      if (region.contains(user))
        continue;
      if (auto transpose = dyn_cast<tosa::TransposeOp>(user)) {
        if (isIdentityPermutation(applyPermutation(back, permsOf(transpose))))
          --cost;
        continue;
      }
      readElsewhere = true;
    }
    if (readElsewhere && !isReshape(permuteType(result.getType(), perm), back))
      ++cost;
  }
  return cost;
}

/// `value` transposed by `perm`, as cheaply as it can be had.
Value permute(OpBuilder &b, Location loc, Value value, ArrayRef<int64_t> perm) {
  if (isIdentityPermutation(perm))
    return value;
  RankedTensorType type = permuteType(value.getType(), perm);
  if (auto transpose = value.getDefiningOp<tosa::TransposeOp>()) {
    Permutation combined = applyPermutation(permsOf(transpose), perm);
    if (isIdentityPermutation(combined))
      return transpose.getInput1();
    SmallVector<int32_t> perms(combined.begin(), combined.end());
    return tosa::TransposeOp::create(b, loc, type, transpose.getInput1(),
                                     perms);
  }
  if (std::optional<ElementsAttr> constant = constantOf(value))
    if (std::optional<ElementsAttr> permuted = permuteConstant(*constant, perm))
      return tosa::ConstOp::create(b, loc, type, *permuted);
  if (isReshape(value.getType(), perm)) {
    auto shapeType = tosa::shapeType::get(b.getContext(), type.getRank());
    Value shape = tosa::ConstShapeOp::create(
        b, loc, shapeType,
        DenseIntElementsAttr::get(
            RankedTensorType::get({type.getRank()}, b.getIndexType()),
            type.getShape()));
    return tosa::ReshapeOp::create(b, loc, type, value, shape);
  }
  SmallVector<int32_t> perms(perm.begin(), perm.end());
  return tosa::TransposeOp::create(b, loc, type, value, perms);
}

/// Rewrites `region` on feature maps permuted by `perm`.
void permuteRegion(const Region &region, ArrayRef<int64_t> perm) {
  Permutation back = invertPermutationVector(perm);
  IRMapping mapping;
  // Producers of the region's inputs and readers of its outputs that may
  // have lost their last use.
  llvm::SetVector<Operation *> maybeDead;
  for (Operation *op : region) {
    OpBuilder b(op);
    for (Value operand : op->getOperands()) {
      if (!isFeatureMap(operand.getType()) || mapping.contains(operand))
        continue;
      if (Operation *producer = operand.getDefiningOp())
        maybeDead.insert(producer);
      mapping.map(operand, permute(b, op->getLoc(), operand, perm));
    }
    Operation *clone = b.clone(*op, mapping);
    Value result = clone->getResult(0);
    result.setType(permuteType(result.getType(), perm));
    auto newAxis = [&](uint32_t axis) {
      return static_cast<int32_t>(llvm::find(perm, axis) - perm.begin());
    };
    llvm::TypeSwitch<Operation *>(clone)
        .Case<tosa::ReduceSumOp, tosa::ReduceMaxOp, tosa::ConcatOp>(
            [&](auto axisOp) { axisOp.setAxis(newAxis(axisOp.getAxis())); })
        .Case<se::QuantizeOp, se::DequantizeOp>([&](auto quant) {
          if (std::optional<int64_t> axis = quant.getAxis())
            quant.setAxis(newAxis(*axis));
        })
        .Case([&](se::SqueezeExciteOp se) {
          se.setLayout(se.getLayout() == se::Layout::NCHW ? se::Layout::NHWC
                                                          : se::Layout::NCHW);
        });
  }

  // Readers outside the region get the old layout back.
  for (Operation *op : region) {
    Value oldResult = op->getResult(0);
    Value newResult = mapping.lookup(oldResult);
    Value restored;
    for (OpOperand &use : llvm::make_early_inc_range(oldResult.getUses())) {
      Operation *user = use.getOwner();
      if (region.contains(user))
        continue;
      OpBuilder b(user);
      if (auto transpose = dyn_cast<tosa::TransposeOp>(user)) {
        transpose.replaceAllUsesWith(
            permute(b, transpose.getLoc(), newResult,
                    applyPermutation(back, permsOf(transpose))));
        maybeDead.remove(transpose);
        transpose.erase();
        continue;
      }
      if (!restored) {
        b.setInsertionPointAfterValue(newResult);
        restored = permute(b, op->getLoc(), newResult, back);
      }
      use.set(restored);
    }
  }
  for (Operation *op : llvm::reverse(region))
    op->erase();
  SmallVector<Operation *> pending = maybeDead.takeVector();
  for (auto dead = llvm::find_if(pending, isOpTriviallyDead);
       dead != pending.end();
       dead = llvm::find_if(pending, isOpTriviallyDead)) {
    (*dead)->erase();
    pending.erase(dead);
  }
}

struct ActivationLayoutPass
    : se::impl::SEActivationLayoutBase<ActivationLayoutPass> {
  void runOnOperation() override {
    // Each round permutes every region that gains; a permuted region never
    // gains from permuting back, so this ends.
    while (permuteProfitableRegions()) {
    }
  }

  bool permuteProfitableRegions() {
    llvm::EquivalenceClasses<Operation *> classes;
    SmallVector<Operation *> agnostic;
    getOperation().walk([&](Operation *op) {
      if (!isLayoutAgnostic(op))
        return;
      agnostic.push_back(op);
      classes.insert(op);
      for (Value operand : op->getOperands()) {
        if (!isFeatureMap(operand.getType()))
          continue;
        if (Operation *producer = operand.getDefiningOp();
            producer && isLayoutAgnostic(producer))
          classes.unionSets(producer, op);
        // Readers of one transposed value decide together: only then does
        // the transpose go away.
        if (operand.getDefiningOp<tosa::TransposeOp>())
          for (Operation *other : operand.getUsers())
            if (other != op && classes.contains(other))
              classes.unionSets(other, op);
      }
    });

    llvm::MapVector<Operation *, Region> regions;
    for (Operation *op : agnostic)
      regions[classes.getLeaderValue(op)].insert(op);

    bool changed = false;
    for (auto &[leader, region] : regions) {
      std::optional<Permutation> best;
      int64_t bestCost = 0;
      for (ArrayRef<int64_t> perm :
           {ArrayRef(kNCHWToNHWC), ArrayRef(kNHWCToNCHW)}) {
        std::optional<int64_t> cost = costOfPermuting(region, perm);
        if (cost && *cost < bestCost) {
          bestCost = *cost;
          best = Permutation(perm);
        }
      }
      if (!best)
        continue;
      permuteRegion(region, *best);
      changed = true;
    }
    return changed;
  }
};

} // namespace
