//===- InstrumentProfile.cpp - time each layer of a compiled model --------===//

#include "se/Analysis/CostReport.h"
#include "se/Codegen/CPU/Passes.h"
#include "se/Utils/ShapeText.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPUINSTRUMENTPROFILE
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

static constexpr llvm::StringLiteral kClockName = "se_profile_clock";
/// CLOCK_MONOTONIC on Linux.
static constexpr int32_t kMonotonicClock = 1;

/// Ops that only name or make room for memory: their time counts to the
/// layer that follows them.
static bool isBookkeeping(Operation *op) {
  return isPure(op) ||
         isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp,
             memref::ViewOp, memref::SubViewOp, memref::CastOp,
             memref::ReinterpretCastOp, memref::ExpandShapeOp,
             memref::CollapseShapeOp, memref::GetGlobalOp,
             memref::AssumeAlignmentOp, memref::ExtractStridedMetadataOp>(op);
}

/// Tabs and line breaks would split the text's fields and lines.
static std::string fieldText(StringRef text) {
  std::string field = text.str();
  for (char &c : field)
    if (c == '\t' || c == '\n' || c == '\r' || c == '\0')
      c = ' ';
  return field;
}

/// `private func @se_profile_clock() -> i64`: CLOCK_MONOTONIC in
/// nanoseconds, through clock_gettime.
static func::FuncOp getOrCreateClock(ModuleOp module) {
  if (auto clock = module.lookupSymbol<func::FuncOp>(kClockName))
    return clock;
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  Location loc = module.getLoc();
  MLIRContext *context = module.getContext();
  Type i32 = b.getI32Type(), i64 = b.getI64Type();
  Type ptr = LLVM::LLVMPointerType::get(context);
  auto clockGettime = module.lookupSymbol<LLVM::LLVMFuncOp>("clock_gettime");
  if (!clockGettime)
    clockGettime = LLVM::LLVMFuncOp::create(
        b, loc, "clock_gettime",
        LLVM::LLVMFunctionType::get(i32, {i32, ptr}));

  auto clock = func::FuncOp::create(b, loc, kClockName,
                                    b.getFunctionType({}, {i64}));
  clock.setPrivate();
  b.setInsertionPointToStart(clock.addEntryBlock());
  auto timespec = LLVM::LLVMArrayType::get(i64, 2);
  Value one = LLVM::ConstantOp::create(b, loc, i64, 1);
  Value id = LLVM::ConstantOp::create(b, loc, i32, kMonotonicClock);
  Value time = LLVM::AllocaOp::create(b, loc, ptr, timespec, one);
  LLVM::CallOp::create(b, loc, clockGettime, ValueRange{id, time});
  Value seconds = LLVM::LoadOp::create(b, loc, i64, time);
  Value nanosecondsField = LLVM::GEPOp::create(
      b, loc, ptr, timespec, time, ArrayRef<LLVM::GEPArg>{0, 1});
  Value nanoseconds = LLVM::LoadOp::create(b, loc, i64, nanosecondsField);
  Value billion = arith::ConstantIntOp::create(b, loc, i64, 1000000000);
  Value total = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, seconds, billion), nanoseconds);
  func::ReturnOp::create(b, loc, total);
  return clock;
}

namespace {
/// Consecutive top-level ops of one layer, timed together.
struct Segment {
  unsigned layer;
  Operation *last;
};

struct InstrumentProfilePass
    : se::impl::SECPUInstrumentProfileBase<InstrumentProfilePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (auto layers =
            module->getAttrOfType<ArrayAttr>(se::kLayerCostsAttrName)) {
      for (auto layer : layers.getAsRange<DictionaryAttr>())
        if (auto name = layer.getAs<StringAttr>("name"))
          costs.try_emplace(name.getValue(), layer);
      module->removeAttr(se::kLayerCostsAttrName);
    }
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      // A batch entry's time is that of the entry it runs per image.
      if (!func.isPublic() || func.isExternal() ||
          func->hasAttr(se::kABIQueryAttrName) ||
          func->hasAttr(se::kThreadCountOfAttrName))
        continue;
      if (failed(instrument(func)))
        return signalPassFailure();
    }
  }

private:
  LogicalResult instrument(func::FuncOp func);
  std::string describe(StringRef layer) const;
  int64_t macsOf(StringRef layer) const;
  std::string layerOf(Operation *op) const;

  llvm::StringMap<DictionaryAttr> costs;
};
} // namespace

std::string InstrumentProfilePass::describe(StringRef layer) const {
  std::string line = fieldText(layer) + "\t";
  auto cost = costs.find(layer);
  if (cost == costs.end())
    return line + "\t\t\t";
  DictionaryAttr attrs = cost->second;
  auto text = [&](StringRef key) -> std::string {
    if (auto value = attrs.getAs<StringAttr>(key))
      return fieldText(value.getValue());
    return "";
  };
  auto number = [&](StringRef key) -> std::string {
    if (auto value = attrs.getAs<IntegerAttr>(key))
      return std::to_string(value.getInt());
    return "";
  };
  std::string shape;
  if (auto value = attrs.getAs<DenseI64ArrayAttr>("shape"))
    shape = se::shapeText(value.asArrayRef());
  return line + text("kind") + "\t" + shape + "\t" + number("macs") + "\t" +
         number("bytes");
}

int64_t InstrumentProfilePass::macsOf(StringRef layer) const {
  auto cost = costs.find(layer);
  if (cost == costs.end())
    return -1;
  auto macs = cost->second.getAs<IntegerAttr>("macs");
  return macs ? macs.getInt() : -1;
}

/// The layer whose time `op` is: the one its location names, or for a loop
/// nest that computes several layers (a depthwise convolution tiled by rows
/// with its activation and an SE squeeze, the loop named after the
/// activation), the one of them with the most multiply-accumulates.
std::string InstrumentProfilePass::layerOf(Operation *op) const {
  std::string layer = se::layerNameOf(op->getLoc());
  int64_t most = macsOf(layer);
  op->walk([&](Operation *nested) {
    std::string name = se::layerNameOf(nested->getLoc());
    if (int64_t macs = macsOf(name); macs > most) {
      most = macs;
      layer = std::move(name);
    }
  });
  return layer;
}

LogicalResult InstrumentProfilePass::instrument(func::FuncOp func) {
  if (!func.getBody().hasOneBlock())
    return func.emitError("profile: expected a function of one block");
  Block &body = func.getBody().front();

  SmallVector<std::string> layers;
  llvm::StringMap<unsigned> layerIndex;
  SmallVector<Segment> segments;
  for (Operation &op : body.without_terminator()) {
    if (isBookkeeping(&op))
      continue;
    std::string name = layerOf(&op);
    if (name.empty())
      name = segments.empty() ? "(unnamed)" : layers[segments.back().layer];
    auto [it, inserted] = layerIndex.try_emplace(name, layers.size());
    if (inserted)
      layers.push_back(name);
    if (!segments.empty() && segments.back().layer == it->second)
      segments.back().last = &op;
    else
      segments.push_back({it->second, &op});
  }
  if (segments.empty())
    return success();

  ModuleOp module = getOperation();
  std::string countersName = (func.getName() + "_profile_ns").str();
  std::string layersName = (func.getName() + "_profile_layers").str();
  for (StringRef name : {StringRef(countersName), StringRef(layersName)})
    if (module.lookupSymbol(name))
      return func.emitError() << "symbol '" << name << "' already exists";

  OpBuilder b(func);
  Location loc = func.getLoc();
  Type i64 = b.getI64Type();
  auto countersType = MemRefType::get({(int64_t)layers.size() + 1}, i64);
  memref::GlobalOp::create(
      b, loc, countersName, /*sym_visibility=*/nullptr, countersType,
      DenseElementsAttr::get(RankedTensorType::get(countersType.getShape(), i64),
                             APInt(64, 0)),
      /*constant=*/false, /*alignment=*/b.getI64IntegerAttr(64));
  std::string text;
  for (StringRef layer : layers)
    text += describe(layer) + "\n";
  SmallVector<int8_t> bytes(text.begin(), text.end());
  bytes.push_back(0);
  auto textType = MemRefType::get({(int64_t)bytes.size()}, b.getI8Type());
  memref::GlobalOp::create(
      b, loc, layersName, /*sym_visibility=*/nullptr, textType,
      DenseElementsAttr::get(
          RankedTensorType::get(textType.getShape(), b.getI8Type()),
          ArrayRef<int8_t>(bytes)),
      /*constant=*/true, /*alignment=*/nullptr);
  func::FuncOp clock = getOrCreateClock(module);

  // counters[index] += value, at the builder's insertion point; atomic, as
  // a batch entry runs images on several threads at once.
  auto accumulate = [&](Location at, int64_t index, Value value) {
    Value counters =
        memref::GetGlobalOp::create(b, at, countersType, countersName);
    Value position = arith::ConstantIndexOp::create(b, at, index);
    memref::AtomicRMWOp::create(b, at, arith::AtomicRMWKind::addi, value,
                                counters, ValueRange{position});
  };
  b.setInsertionPointToStart(&body);
  Value previous = func::CallOp::create(b, loc, clock).getResult(0);
  for (const Segment &segment : segments) {
    Location at = segment.last->getLoc();
    b.setInsertionPointAfter(segment.last);
    Value now = func::CallOp::create(b, at, clock).getResult(0);
    accumulate(at, segment.layer, arith::SubIOp::create(b, at, now, previous));
    previous = now;
  }
  b.setInsertionPoint(body.getTerminator());
  accumulate(loc, layers.size(), arith::ConstantIntOp::create(b, loc, i64, 1));
  return success();
}
