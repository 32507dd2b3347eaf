//===- UScaleDialect.cpp - dialect registration and attributes ------------===//
#include "unit-scale/Dialect/UScale/IR/UScaleDialect.h"
#include "unit-scale/Dialect/UScale/IR/UScaleOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::uscale;

#include "unit-scale/Dialect/UScale/IR/UScaleOpsDialect.cpp.inc"
#include "unit-scale/Dialect/UScale/IR/UScaleEnums.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "unit-scale/Dialect/UScale/IR/UScaleAttrs.cpp.inc"
#include "unit-scale/Dialect/UScale/IR/UScaleInterfaces.cpp.inc"

void UScaleDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "unit-scale/Dialect/UScale/IR/UScaleOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "unit-scale/Dialect/UScale/IR/UScaleAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// #uscale.scales<alpha = A, beta = [B0, ...]>
//===----------------------------------------------------------------------===//

Attribute ScalesAttr::parse(AsmParser &parser, Type) {
  double alpha = 0;
  SmallVector<double> beta;
  if (parser.parseLess() || parser.parseKeyword("alpha") ||
      parser.parseEqual() || parser.parseFloat(alpha) || parser.parseComma() ||
      parser.parseKeyword("beta") || parser.parseEqual() ||
      parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
        return parser.parseFloat(beta.emplace_back());
      }) ||
      parser.parseGreater())
    return {};
  return ScalesAttr::get(parser.getContext(), alpha, beta);
}

void ScalesAttr::print(AsmPrinter &printer) const {
  printer << "<alpha = ";
  printer.printFloat(getAlpha());
  printer << ", beta = [";
  llvm::interleaveComma(getBetaValues(), printer, [&](double b) {
    printer.printFloat(llvm::APFloat(b));
  });
  printer << "]>";
}

//===----------------------------------------------------------------------===//
// ScaledOpInterface verification
//===----------------------------------------------------------------------===//

LogicalResult mlir::uscale::detail::verifyScaledOp(Operation *op) {
  auto scales = op->getAttrOfType<ScalesAttr>("scales");
  if (!scales)
    return success();
  if (scales.getBetaValues().size() != op->getNumOperands())
    return op->emitOpError("has ")
           << scales.getBetaValues().size() << " backward scales for "
           << op->getNumOperands() << " operands";
  auto bad = [](double v) { return !(v > 0) || std::isinf(v); };
  if (bad(scales.getAlphaValue()) ||
      llvm::any_of(scales.getBetaValues(), bad))
    return op->emitOpError("scales must be finite and positive");
  return success();
}
