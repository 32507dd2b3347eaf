//===- OnnxImport.cpp - importer entry points and translations ------------===//
#include "unit-scale/Import/OnnxImport.h"

#include "unit-scale/Dialect/UScale/IR/UScaleDialect.h"
#include "unit-scale/Import/GraphBuilder.h"
#include "unit-scale/Import/JsonReader.h"
#include "unit-scale/Import/OnnxProtoReader.h"

#ifdef USCALE_HAVE_ONNX
#include "OnnxProtoParse.h"
#endif

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::uscale;

void mlir::uscale::registerOnnxImportDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, func::FuncDialect, UScaleDialect>();
}

//===----------------------------------------------------------------------===//
// Binary and text ONNX
//===----------------------------------------------------------------------===//

bool mlir::uscale::onnx::hasOnnxProtoReader() {
#ifdef USCALE_HAVE_ONNX
  return true;
#else
  return false;
#endif
}

FailureOr<onnx::OnnxModel>
mlir::uscale::onnx::readOnnxProto(StringRef data, StringRef bufferName,
                                  OnnxProtoFormat format, MLIRContext *ctx) {
  StringAttr file = StringAttr::get(ctx, bufferName);
  Location fileLoc = FileLineColLoc::get(file, 0, 0);
#ifdef USCALE_HAVE_ONNX
  detail::ProtoParseResult result =
      detail::parseOnnxProto(data, format == OnnxProtoFormat::Text);
  for (const std::string &w : result.warnings)
    emitWarning(fileLoc) << w;
  if (!result.errors.empty()) {
    Location loc = fileLoc;
    if (result.errorLine != 0)
      loc = FileLineColLoc::get(file, result.errorLine, result.errorColumn);
    for (const std::string &e : result.errors)
      emitError(loc) << e;
    return failure();
  }
  result.model->sourceName = bufferName.str();
  return std::move(*result.model);
#else
  (void)data;
  (void)format;
  return emitError(fileLoc)
         << "this build of unit-scale cannot read binary or text ONNX: it "
            "was built without libonnx (install libonnx-dev and "
            "libprotobuf-dev and reconfigure), convert the model to JSON "
            "(docs/onnx-json-format.md)";
#endif
}

//===----------------------------------------------------------------------===//
// Formats
//===----------------------------------------------------------------------===//

std::optional<OnnxFileFormat>
mlir::uscale::getOnnxFileFormat(StringRef filename) {
  StringRef ext = llvm::sys::path::extension(filename);
  if (ext.equals_insensitive(".json"))
    return OnnxFileFormat::Json;
  if (ext.equals_insensitive(".onnx"))
    return OnnxFileFormat::Binary;
  if (ext.equals_insensitive(".onnxtext") || ext.equals_insensitive(".onnxtxt"))
    return OnnxFileFormat::Text;
  return std::nullopt;
}

OnnxFileFormat mlir::uscale::detectOnnxFileFormat(StringRef filename,
                                                  StringRef data) {
  if (auto format = getOnnxFileFormat(filename))
    return *format;
  StringRef trimmed = data.ltrim();
  if (trimmed.starts_with("{"))
    return OnnxFileFormat::Json;
  for (char c : data)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' &&
        c != '\t')
      return OnnxFileFormat::Binary;
  return OnnxFileFormat::Text;
}

//===----------------------------------------------------------------------===//
// Import
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> mlir::uscale::importOnnxJson(llvm::StringRef text,
                                                   llvm::StringRef bufferName,
                                                   MLIRContext *ctx) {
  return importOnnx(text, bufferName, OnnxFileFormat::Json, ctx);
}

OwningOpRef<ModuleOp> mlir::uscale::importOnnxJson(llvm::SourceMgr &sourceMgr,
                                                   MLIRContext *ctx) {
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  return importOnnxJson(buffer->getBuffer(), buffer->getBufferIdentifier(),
                        ctx);
}

OwningOpRef<ModuleOp> mlir::uscale::importOnnx(StringRef data,
                                               StringRef bufferName,
                                               OnnxFileFormat format,
                                               MLIRContext *ctx) {
  FailureOr<onnx::OnnxModel> model =
      format == OnnxFileFormat::Json
          ? onnx::readOnnxJson(data, bufferName, ctx)
          : onnx::readOnnxProto(data, bufferName,
                                format == OnnxFileFormat::Text
                                    ? onnx::OnnxProtoFormat::Text
                                    : onnx::OnnxProtoFormat::Binary,
                                ctx);
  if (failed(model))
    return nullptr;
  return onnx::buildModule(*model, ctx);
}

OwningOpRef<ModuleOp> mlir::uscale::importOnnx(llvm::SourceMgr &sourceMgr,
                                               MLIRContext *ctx) {
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  StringRef name = buffer->getBufferIdentifier();
  return importOnnx(buffer->getBuffer(), name,
                    detectOnnxFileFormat(name, buffer->getBuffer()), ctx);
}

static std::unique_ptr<llvm::MemoryBuffer>
importFileToBuffer(StringRef filename, std::optional<OnnxFileFormat> format,
                   llvm::raw_ostream &diagOS) {
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> file = openInputFile(filename, &error);
  if (!file) {
    diagOS << error << "\n";
    return nullptr;
  }
  OnnxFileFormat fmt =
      format ? *format : detectOnnxFileFormat(filename, file->getBuffer());
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  DialectRegistry registry;
  registerOnnxImportDialects(registry);
  MLIRContext ctx(registry, MLIRContext::Threading::DISABLED);
  SourceMgrDiagnosticHandler handler(sourceMgr, &ctx, diagOS);
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  OwningOpRef<ModuleOp> module =
      importOnnx(buffer->getBuffer(), buffer->getBufferIdentifier(), fmt, &ctx);
  if (!module)
    return nullptr;
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os, OpPrintingFlags().enableDebugInfo());
  return llvm::MemoryBuffer::getMemBufferCopy(text, filename);
}

std::unique_ptr<llvm::MemoryBuffer>
mlir::uscale::importOnnxFileToBuffer(StringRef filename,
                                     llvm::raw_ostream &diagOS) {
  return importFileToBuffer(filename, std::nullopt, diagOS);
}

std::unique_ptr<llvm::MemoryBuffer>
mlir::uscale::importOnnxJsonFileToBuffer(StringRef filename,
                                         llvm::raw_ostream &diagOS) {
  return importFileToBuffer(filename, OnnxFileFormat::Json, diagOS);
}

//===----------------------------------------------------------------------===//
// Translations
//===----------------------------------------------------------------------===//

void mlir::uscale::registerImportOnnxJsonTranslation() {
  static TranslateToMLIRRegistration registration(
      "import-onnx-json",
      "import an ONNX model written as protobuf JSON (MessageToJson)",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *ctx) -> OwningOpRef<Operation *> {
        OwningOpRef<ModuleOp> module = importOnnxJson(sourceMgr, ctx);
        return OwningOpRef<Operation *>(module.release());
      },
      registerOnnxImportDialects);
}

void mlir::uscale::registerImportOnnxTranslation() {
  static TranslateToMLIRRegistration registration(
      "import-onnx",
      "import an ONNX model: binary .onnx, ONNX text (.onnxtext) or protobuf "
      "JSON (.json); by extension, else by content",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *ctx) -> OwningOpRef<Operation *> {
        OwningOpRef<ModuleOp> module = importOnnx(sourceMgr, ctx);
        return OwningOpRef<Operation *>(module.release());
      },
      registerOnnxImportDialects);
}
