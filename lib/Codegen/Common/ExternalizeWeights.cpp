//===- ExternalizeWeights.cpp - weights in a caller-provided blob ---------===//

#include "se/Codegen/Common/Passes.h"

#include "se/Utils/ConstantValues.h"
#include "se/Utils/WeightsFile.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace mlir::se {
#define GEN_PASS_DEF_SEEXTERNALIZEWEIGHTS
#include "se/Codegen/Common/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

/// `layer/symbol` when the global or its first use is located at a named
/// layer.
static std::string weightName(memref::GlobalOp global, Location useLoc) {
  std::string layer;
  auto findLayer = [&](Location loc) {
    if (auto named = dyn_cast<NameLoc>(loc)) {
      layer = named.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  };
  global.getLoc()->walk(findLayer);
  if (layer.empty())
    useLoc->walk(findLayer);
  std::string symbol = global.getSymName().str();
  return layer.empty() ? symbol : layer + "/" + symbol;
}

bool mlir::se::takesWeightsBlob(func::FuncOp func) {
  auto blob = MemRefType::get({ShapedType::kDynamic},
                              IntegerType::get(func.getContext(), 8));
  return func.isPublic() && !func.isExternal() &&
         !func->hasAttr(kABIQueryAttrName) && func.getNumArguments() > 0 &&
         func.getArgumentTypes().back() == blob;
}

namespace {
struct ExternalizeWeightsPass
    : se::impl::SEExternalizeWeightsBase<ExternalizeWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder b(&getContext());

    // Place the weights.
    se::WeightsBlob blob;
    DenseMap<StringAttr, std::pair<MemRefType, uint64_t>> placed;
    SmallVector<Attribute> layoutEntries;
    DenseMap<StringAttr, Location> firstUse;
    module.walk([&](memref::GetGlobalOp use) {
      firstUse.try_emplace(use.getNameAttr().getAttr(), use.getLoc());
    });
    for (auto global : llvm::to_vector(module.getOps<memref::GlobalOp>())) {
      MemRefType type = global.getType();
      auto initial =
          dyn_cast_if_present<ElementsAttr>(global.getInitialValueAttr());
      if (!global.getConstant() || !initial || !type.hasStaticShape() ||
          !type.getLayout().isIdentity() || !type.getElementType().isF32() ||
          type.getNumElements() * 4 < minBytes)
        continue;
      std::optional<std::vector<float>> values =
          se::getF32Values(initial, type.getNumElements());
      if (!values) {
        global.emitError("cannot read the values of this constant (elided?)");
        return signalPassFailure();
      }
      std::string name = weightName(
          global, firstUse.lookup_or(global.getSymNameAttr(), global.getLoc()));
      uint64_t offset = blob.append(name, type.getShape(), *values);
      placed[global.getSymNameAttr()] = {type, offset};
      layoutEntries.push_back(b.getDictionaryAttr(
          {b.getNamedAttr("name", b.getStringAttr(name)),
           b.getNamedAttr("shape", b.getDenseI64ArrayAttr(type.getShape()))}));
      global.erase();
    }

    auto weightsType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (func.isExternal() || func->hasAttr(se::kABIQueryAttrName))
        continue;
      SmallVector<memref::GetGlobalOp> uses;
      func.walk([&](memref::GetGlobalOp use) {
        if (placed.count(use.getNameAttr().getAttr()))
          uses.push_back(use);
      });
      if (!func.isPublic()) {
        if (!uses.empty()) {
          uses.front().emitError("external weights are only passed to public "
                                 "functions, not to '")
              << func.getName() << "'";
          return signalPassFailure();
        }
        continue;
      }
      // Every public function takes the weights, used or not: one ABI.
      (void)func.insertArgument(func.getNumArguments(), weightsType, {},
                                func.getLoc());
      Value weights = func.getArgument(func.getNumArguments() - 1);
      b.setInsertionPointToStart(&func.getBody().front());
      DenseMap<StringAttr, Value> views;
      for (memref::GetGlobalOp use : uses) {
        StringAttr symbol = use.getNameAttr().getAttr();
        Value &view = views[symbol];
        if (!view) {
          auto [type, offset] = placed.lookup(symbol);
          Value start = arith::ConstantIndexOp::create(b, use.getLoc(), offset);
          view = memref::ViewOp::create(b, use.getLoc(), type, weights, start,
                                        ValueRange{});
        }
        use.replaceAllUsesWith(view);
        use.erase();
      }
    }

    // The size and layout hash a weights file must match.
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (!se::takesWeightsBlob(func))
        continue;
      b.setInsertionPointAfter(func);
      auto addQuery = [&](StringRef suffix, uint64_t value) {
        auto query = func::FuncOp::create(
            b, func.getLoc(), (func.getName() + suffix).str(),
            b.getFunctionType({}, {b.getI64Type()}));
        query->setAttr(se::kABIQueryAttrName, b.getUnitAttr());
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToEnd(query.addEntryBlock());
        Value result = arith::ConstantIntOp::create(
            b, func.getLoc(), static_cast<int64_t>(value), 64);
        func::ReturnOp::create(b, func.getLoc(), result);
      };
      addQuery("_weights_hash", blob.layout.hash());
      addQuery("_weights_bytes", blob.layout.dataBytes());
    }

    auto dataType = RankedTensorType::get(
        {static_cast<int64_t>(blob.data.size())}, b.getI8Type());
    module->setAttr("se.weights_layout", b.getArrayAttr(layoutEntries));
    module->setAttr(
        "se.weights_data",
        se::makeResource(dataType, "se_weights", blob.data, alignof(char)));
  }
};
} // namespace
