//===- Args.h - Command-line options of unit-scale-run ----------*- C++ -*-===//
//
// `--name value` / `--name=value` options and positional arguments. Every
// option must be consumed by the command; leftovers are reported, so a
// misspelt option is an error rather than silently ignored.
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_RUN_ARGS_H
#define USCALE_RUN_ARGS_H

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace uscale::run {

/// A usage error: main prints it with the usage text and exits with 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Args {
public:
  Args(int argc, char **argv, int first);

  std::vector<std::string> positional;

  std::optional<std::string> take(const std::string &name);
  std::string take(const std::string &name, const std::string &fallback);
  double takeDouble(const std::string &name, double fallback);
  long long takeInt(const std::string &name, long long fallback);
  bool takeFlag(const std::string &name);
  /// Throws UsageError naming any option nobody took.
  void finish() const;

private:
  std::map<std::string, std::string> options_;
};

} // namespace uscale::run

#endif
