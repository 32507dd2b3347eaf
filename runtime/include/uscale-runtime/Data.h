//===- Data.h - Batches for a model's inputs --------------------*- C++ -*-===//
//
// The manifest says what each input is: float data, gather indices
// (`use: indices`, values below `bound`) or cross-entropy labels
// (`use: labels`). A data source fills a function's inputs from that.
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_RUNTIME_DATA_H
#define USCALE_RUNTIME_DATA_H

#include "uscale-runtime/Model.h"
#include "uscale-runtime/Random.h"

#include <memory>
#include <string>
#include <vector>

namespace uscale::rt {

enum class Split { Train, Validation };

class DataSource {
public:
  virtual ~DataSource() = default;
  /// Fills `inputs` (one per `input` argument of `f`, in order). Returns
  /// false and sets `error` when the model's inputs do not fit the source.
  virtual bool fill(const FunctionSpec &f, std::vector<Tensor> &inputs,
                    Rng &rng, Split split, std::string &error) = 0;
};

/// Float inputs N(0, 1); indices and labels uniform below their bound.
class RandomData : public DataSource {
public:
  bool fill(const FunctionSpec &f, std::vector<Tensor> &inputs, Rng &rng,
            Split split, std::string &error) override;
};

/// Next-character prediction on a text: the model takes `indices` [B, T]
/// and `labels` with B*T elements; each batch row is a random window of
/// T+1 characters, indices its first T, labels its last T. Characters map
/// to ids in byte order of the distinct bytes of the text. The last
/// `validationFraction` of the text is the validation split.
class TextData : public DataSource {
public:
  static std::unique_ptr<TextData> fromString(std::string text,
                                              double validationFraction,
                                              std::string &error);
  static std::unique_ptr<TextData> load(const std::string &path,
                                        double validationFraction,
                                        std::string &error);
  bool fill(const FunctionSpec &f, std::vector<Tensor> &inputs, Rng &rng,
            Split split, std::string &error) override;

  size_t vocabulary() const { return alphabet_.size(); }
  size_t trainSize() const { return trainEnd_; }
  size_t validationSize() const { return ids_.size() - trainEnd_; }

private:
  std::vector<int32_t> ids_;
  std::vector<unsigned char> alphabet_;
  size_t trainEnd_ = 0;
};

} // namespace uscale::rt

#endif // USCALE_RUNTIME_DATA_H
