//===- Data.cpp - Batches for a model's inputs ----------------------------===//
#include "uscale-runtime/Data.h"

#include <fstream>
#include <sstream>

namespace uscale::rt {

bool RandomData::fill(const FunctionSpec &f, std::vector<Tensor> &inputs,
                      Rng &rng, Split, std::string &error) {
  size_t k = 0;
  for (const TensorSpec &a : f.args) {
    if (a.role != "input")
      continue;
    Tensor &t = inputs.at(k++);
    if (isFloat(a.dtype)) {
      for (int64_t i = 0; i < t.size(); ++i)
        t.set(i, rng.normal());
    } else if (a.bound > 0) {
      for (int64_t i = 0; i < t.size(); ++i)
        t.set(i, double(rng.below(a.bound)));
    } else {
      error = "integer input '" + a.name +
              "' feeds neither a gather nor a loss: no range to draw from";
      return false;
    }
  }
  return true;
}

std::unique_ptr<TextData> TextData::fromString(std::string text,
                                               double validationFraction,
                                               std::string &error) {
  if (text.size() < 2) {
    error = "the text is empty";
    return nullptr;
  }
  std::unique_ptr<TextData> d(new TextData());
  bool seen[256] = {};
  for (unsigned char c : text)
    seen[c] = true;
  int32_t id[256];
  for (int c = 0; c < 256; ++c)
    if (seen[c]) {
      id[c] = int32_t(d->alphabet_.size());
      d->alphabet_.push_back(static_cast<unsigned char>(c));
    }
  d->ids_.reserve(text.size());
  for (unsigned char c : text)
    d->ids_.push_back(id[c]);
  d->trainEnd_ = size_t(double(text.size()) * (1.0 - validationFraction));
  return d;
}

std::unique_ptr<TextData> TextData::load(const std::string &path,
                                         double validationFraction,
                                         std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + path;
    return nullptr;
  }
  std::ostringstream s;
  s << in.rdbuf();
  auto d = fromString(s.str(), validationFraction, error);
  if (!d)
    error = path + ": " + error;
  return d;
}

bool TextData::fill(const FunctionSpec &f, std::vector<Tensor> &inputs,
                    Rng &rng, Split split, std::string &error) {
  Tensor *indices = nullptr, *labels = nullptr;
  int64_t bound = 0;
  size_t k = 0;
  for (const TensorSpec &a : f.args) {
    if (a.role != "input")
      continue;
    Tensor &t = inputs.at(k++);
    if (a.use == "indices" && !indices && a.shape.size() == 2) {
      indices = &t;
      bound = a.bound;
    } else if (a.use == "labels" && !labels) {
      labels = &t;
    } else {
      error = "input '" + a.name + "' does not fit next-character "
              "prediction (expected indices [B, T] and labels [B*T])";
      return false;
    }
  }
  if (!indices || !labels || labels->size() != indices->size()) {
    error = "the model's inputs do not fit next-character prediction "
            "(expected indices [B, T] and labels with B*T elements)";
    return false;
  }
  if (int64_t(alphabet_.size()) > bound) {
    error = "the text has " + std::to_string(alphabet_.size()) +
            " distinct characters; the model's vocabulary is " +
            std::to_string(bound);
    return false;
  }
  int64_t rows = indices->shape()[0], cols = indices->shape()[1];
  size_t begin = split == Split::Train ? 0 : trainEnd_;
  size_t end = split == Split::Train ? trainEnd_ : ids_.size();
  if (end - begin < size_t(cols) + 1) {
    error = "the text's split is shorter than one window of " +
            std::to_string(cols + 1) + " characters";
    return false;
  }
  for (int64_t r = 0; r < rows; ++r) {
    size_t start = begin + size_t(rng.below(int64_t(end - begin - cols)));
    for (int64_t c = 0; c < cols; ++c) {
      indices->set(r * cols + c, ids_[start + c]);
      labels->set(r * cols + c, ids_[start + c + 1]);
    }
  }
  return true;
}

} // namespace uscale::rt
