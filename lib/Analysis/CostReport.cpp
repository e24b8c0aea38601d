//===- CostReport.cpp - parameters, MACs and bytes of a model -------------===//

#include "se/Analysis/CostReport.h"

#include "se/Dialect/SE/IR/SEOps.h"
#include "se/Utils/ShapeText.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace mlir::se;

static int64_t elements(Value value) {
  auto type = dyn_cast<ShapedType>(value.getType());
  if (!type || !type.hasStaticShape())
    return 0;
  return type.getNumElements();
}

static int64_t bytes(Value value) {
  auto type = dyn_cast<ShapedType>(value.getType());
  if (!type || !type.hasStaticShape() || !type.getElementType().isIntOrFloat())
    return 0;
  return type.getNumElements() * type.getElementTypeBitWidth() / 8;
}

static std::string stageOf(Operation *op) {
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    return name.getName().getValue().split('.').first.str();
  return "other";
}

/// Multiply-accumulates of one SE block's FCs: once per pooled vector
/// (twice with avg_max).
static int64_t excitationMacs(SqueezeExciteOp op) {
  int64_t n = op.getInput().getType().getDimSize(0);
  int64_t c = op.getNumChannels();
  int64_t passes = op.getSqueeze() == SqueezeKind::AvgMax ? 2 : 1;
  int64_t fcMacs = 0;
  switch (op.getExcitation()) {
  case ExcitationKind::TwoFC:
    fcMacs = 2 * op.getHiddenWidth() * c;
    break;
  case ExcitationKind::OneFC:
    fcMacs = c * c;
    break;
  case ExcitationKind::Conv1D:
    fcMacs = op.getKernelSize() * c;
    break;
  }
  return n * passes * fcMacs;
}

/// Multiply-accumulates of convolutions, matrix products and SE blocks.
static int64_t macsOf(Operation *op) {
  if (auto conv = dyn_cast<tosa::Conv2DOp>(op)) {
    // Weight: OC x KH x KW x IC; every output element takes KH*KW*IC MACs.
    ArrayRef<int64_t> w =
        cast<ShapedType>(conv.getWeight().getType()).getShape();
    return elements(conv.getOutput()) * w[1] * w[2] * w[3];
  }
  if (auto conv = dyn_cast<tosa::DepthwiseConv2DOp>(op)) {
    // Weight: KH x KW x C x M; every output element takes KH*KW MACs.
    ArrayRef<int64_t> w =
        cast<ShapedType>(conv.getWeight().getType()).getShape();
    return elements(conv.getOutput()) * w[0] * w[1];
  }
  if (auto conv = dyn_cast<linalg::Conv2DNhwgcGfhwcOp>(op)) {
    // Filter: G x F x KH x KW x C/G.
    ArrayRef<int64_t> f =
        cast<ShapedType>(conv.getDpsInputs()[1].getType()).getShape();
    return elements(op->getResult(0)) * f[2] * f[3] * f[4];
  }
  if (auto matmul = dyn_cast<tosa::MatMulOp>(op)) {
    ArrayRef<int64_t> a = cast<ShapedType>(matmul.getA().getType()).getShape();
    return elements(matmul.getOutput()) * a[2];
  }
  if (auto block = dyn_cast<SqueezeExciteOp>(op))
    return excitationMacs(block);
  return 0;
}

namespace {
class CostCounter {
public:
  void visit(Operation *op) {
    if (op->hasTrait<OpTrait::ConstantLike>() ||
        isa<ModuleOp, func::FuncOp, func::ReturnOp>(op))
      return;
    StageCost &stage = stageNamed(stageOf(op));
    for (Value result : op->getResults())
      stage.activationBytes += bytes(result);
    for (Value operand : op->getOperands())
      if (matchPattern(operand, m_Constant()) && elements(operand) > 1 &&
          counted.insert(operand).second)
        stage.parameters += elements(operand);

    stage.macs += macsOf(op);
    if (auto block = dyn_cast<SqueezeExciteOp>(op))
      countSqueezeExcite(block, stage);
  }

  CostReport finish() {
    CostReport report;
    report.total.name = "total";
    for (StageCost &stage : stages) {
      // Structural ops without a layer name (region terminators) cost
      // nothing and make no row.
      if (stage.parameters == 0 && stage.macs == 0 &&
          stage.activationBytes == 0)
        continue;
      report.total.parameters += stage.parameters;
      report.total.macs += stage.macs;
      report.total.seParameters += stage.seParameters;
      report.total.seMacs += stage.seMacs;
      report.total.seElementOps += stage.seElementOps;
      report.total.seBlocks += stage.seBlocks;
      report.total.activationBytes += stage.activationBytes;
      report.total.seBytes += stage.seBytes;
      report.stages.push_back(stage);
    }
    report.seBlocks = blocks;
    return report;
  }

private:
  void countSqueezeExcite(SqueezeExciteOp op, StageCost &stage) {
    int64_t weights = 0;
    for (Value v : {op.getW1(), op.getW2(), op.getBias1(), op.getBias2()})
      if (v)
        weights += elements(v);
    int64_t featureMap = elements(op.getInput());
    stage.seBlocks += 1;
    stage.seParameters += weights;
    stage.seMacs += excitationMacs(op);
    stage.seElementOps += 2 * featureMap;
    int64_t moved = 4 * (3 * featureMap + weights);
    if (op.getResidual())
      moved += 4 * featureMap;
    stage.seBytes += moved;

    SEBlockCost block;
    if (auto name = dyn_cast<NameLoc>(op->getLoc()))
      block.name = name.getName().str();
    ArrayRef<int64_t> shape = op.getInput().getType().getShape();
    block.shape.assign(shape.begin(), shape.end());
    if (op.getLayout() == Layout::NHWC)
      block.shape = {shape[0], shape[3], shape[1], shape[2]};
    block.residual = static_cast<bool>(op.getResidual());
    block.bytes = moved;
    blocks.push_back(std::move(block));
  }

  StageCost &stageNamed(const std::string &name) {
    for (StageCost &stage : stages)
      if (stage.name == name)
        return stage;
    stages.push_back(StageCost{});
    stages.back().name = name;
    return stages.back();
  }

  SmallVector<StageCost> stages;
  SmallVector<SEBlockCost> blocks;
  llvm::DenseSet<Value> counted;
};
} // namespace

std::string mlir::se::layerNameOf(Location loc) {
  std::string name;
  loc->walk([&](Location inner) {
    if (auto named = dyn_cast<NameLoc>(inner)) {
      name = named.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name;
}

static std::string windowText(ArrayRef<int64_t> kernel,
                              ArrayRef<int64_t> stride) {
  return (Twine(kernel[0]) + "x" + Twine(kernel[1]) + "/s" + Twine(stride[0]))
      .str();
}

std::string mlir::se::kindOf(Operation *op) {
  std::string kind = op->getName().stripDialect().str();
  auto shapeOf = [](Value value) {
    return cast<ShapedType>(value.getType()).getShape();
  };
  if (auto conv = dyn_cast<tosa::Conv2DOp>(op))
    return kind + " " +
           windowText(shapeOf(conv.getWeight()).slice(1, 2), conv.getStride());
  if (auto conv = dyn_cast<tosa::DepthwiseConv2DOp>(op))
    return kind + " " +
           windowText(shapeOf(conv.getWeight()).take_front(2),
                      conv.getStride());
  if (auto conv = dyn_cast<linalg::Conv2DNhwgcGfhwcOp>(op)) {
    ArrayRef<int64_t> filter = shapeOf(conv.getDpsInputs()[1]);
    SmallVector<int64_t> strides(conv.getStrides().getValues<int64_t>());
    return "grouped_conv2d " + windowText(filter.slice(2, 2), strides) +
           " groups=" + std::to_string(filter[0]);
  }
  return kind;
}

static bool isDataMovement(Operation *op) {
  return isa<tosa::ReshapeOp, tosa::TransposeOp, tensor::CollapseShapeOp,
             tensor::ExpandShapeOp>(op);
}

SmallVector<LayerCost> mlir::se::computeLayerCosts(ModuleOp module) {
  SmallVector<LayerCost> layers;
  SmallVector<int64_t> mainMacs;
  llvm::StringMap<unsigned> indexOf;
  llvm::DenseSet<Value> countedParameters;
  module.walk([&](Operation *op) {
    if (!isa_and_nonnull<func::FuncOp>(op->getParentOp()) ||
        op->hasTrait<OpTrait::ConstantLike>() || isa<func::ReturnOp>(op))
      return;
    std::string name = layerNameOf(op->getLoc());
    auto [it, inserted] = indexOf.try_emplace(name, layers.size());
    if (inserted) {
      layers.emplace_back();
      layers.back().name = name;
      mainMacs.push_back(-1);
    }
    LayerCost &layer = layers[it->second];
    int64_t macs = macsOf(op);
    layer.macs += macs;
    bool main = mainMacs[it->second] < 0 ? !isDataMovement(op)
                                         : macs > mainMacs[it->second];
    if (main && op->getNumResults() > 0) {
      mainMacs[it->second] = macs;
      layer.kind = kindOf(op);
      if (auto type = dyn_cast<ShapedType>(op->getResult(0).getType()))
        layer.shape.assign(type.getShape().begin(), type.getShape().end());
    }
    auto otherLayer = [&](Operation *other) {
      return !other || layerNameOf(other->getLoc()) != name;
    };
    for (Value operand : op->getOperands()) {
      if (matchPattern(operand, m_Constant())) {
        if (elements(operand) > 1 && countedParameters.insert(operand).second)
          layer.bytes += bytes(operand);
      } else if (otherLayer(operand.getDefiningOp())) {
        layer.bytes += bytes(operand);
      }
    }
    for (Value result : op->getResults())
      if (llvm::any_of(result.getUsers(), [&](Operation *user) {
            return isa<func::ReturnOp>(user) || otherLayer(user);
          }))
        layer.bytes += bytes(result);
  });
  return layers;
}

CostReport mlir::se::computeCostReport(ModuleOp module) {
  CostCounter counter;
  module.walk([&](Operation *op) { counter.visit(op); });
  return counter.finish();
}

void mlir::se::printCostReport(const CostReport &report,
                               llvm::raw_ostream &os) {
  os << llvm::format("%-8s %12s %10s %8s %12s %12s %12s %10s %12s\n", "stage",
                     "params (M)", "MACs (G)", "SE", "SE params", "SE MACs",
                     "SE elem ops", "act. MB", "SE MB moved");
  auto row = [&](const StageCost &s) {
    os << llvm::format("%-8s %12.3f %10.4f %8lld %12lld %12lld %12lld %10.2f "
                       "%12.2f\n",
                       s.name.c_str(), s.parameters / 1e6, s.totalOps() / 1e9,
                       (long long)s.seBlocks, (long long)s.seParameters,
                       (long long)s.seMacs, (long long)s.seElementOps,
                       s.activationBytes / 1e6, s.seBytes / 1e6);
  };
  for (const StageCost &stage : report.stages)
    row(stage);
  row(report.total);
  if (report.seBlocks.empty())
    return;
  // U read twice (squeeze, scale), Y written once, the residual read once
  // when fused, the FC weights once.
  os << llvm::format("\n%-16s %-20s %9s %12s\n", "SE block", "N x C x H x W",
                     "residual", "MB moved");
  for (const SEBlockCost &block : report.seBlocks) {
    std::string shape = shapeText(block.shape);
    os << llvm::format("%-16s %-20s %9s %12.3f\n",
                       block.name.empty() ? "-" : block.name.c_str(),
                       shape.c_str(), block.residual ? "yes" : "no",
                       block.bytes / 1e6);
  }
}
