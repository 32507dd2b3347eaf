//===- StatsPlot.h - SVG plot of per-tensor stds ----------------*- C++ -*-===//
#ifndef USCALE_RUN_STATSPLOT_H
#define USCALE_RUN_STATSPLOT_H

#include <optional>
#include <string>
#include <vector>

namespace uscale::run {

struct StatRow {
  /// The producing op's name; gradients start with "grad:", parameter
  /// gradients (returned to the optimizer) with "wgrad:".
  std::string name;
  std::optional<double> scaled, regular;
  bool isParameterGradient() const { return name.rfind("wgrad:", 0) == 0; }
  bool isGradient() const {
    return name.rfind("grad:", 0) == 0 || isParameterGradient();
  }
};

/// Writes a standalone SVG: one column per tensor in step order (forward,
/// then backward), log2(std) for the unit-scaled and the regular model,
/// over the normal and subnormal ranges of E4M3 and E5M2 drawn as bands.
/// Returns false when the file cannot be written.
bool writeStatsSvg(const std::string &path, const std::string &title,
                   const std::vector<StatRow> &rows);

} // namespace uscale::run

#endif
