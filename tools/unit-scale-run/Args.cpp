//===- Args.cpp - Command-line options of unit-scale-run ------------------===//
#include "Args.h"

#include <cstdlib>

namespace uscale::run {

Args::Args(int argc, char **argv, int first) {
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0 || a == "--") {
      positional.push_back(a);
      continue;
    }
    a = a.substr(2);
    size_t eq = a.find('=');
    if (eq != std::string::npos) {
      options_[a.substr(0, eq)] = a.substr(eq + 1);
    } else if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) {
      options_[a] = argv[++i];
    } else {
      options_[a] = ""; // a flag
    }
  }
}

std::optional<std::string> Args::take(const std::string &name) {
  auto it = options_.find(name);
  if (it == options_.end())
    return std::nullopt;
  std::string v = it->second;
  options_.erase(it);
  return v;
}

std::string Args::take(const std::string &name, const std::string &fallback) {
  return take(name).value_or(fallback);
}

double Args::takeDouble(const std::string &name, double fallback) {
  auto v = take(name);
  if (!v)
    return fallback;
  char *end = nullptr;
  double d = std::strtod(v->c_str(), &end);
  if (v->empty() || *end)
    throw UsageError("--" + name + " expects a number, got '" + *v + "'");
  return d;
}

long long Args::takeInt(const std::string &name, long long fallback) {
  auto v = take(name);
  if (!v)
    return fallback;
  char *end = nullptr;
  long long d = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || *end)
    throw UsageError("--" + name + " expects an integer, got '" + *v + "'");
  return d;
}

bool Args::takeFlag(const std::string &name) {
  auto v = take(name);
  if (v && !v->empty())
    positional.push_back(*v); // `--flag positional`: give it back
  return v.has_value();
}

void Args::finish() const {
  if (options_.empty())
    return;
  std::string names;
  for (auto &[k, v] : options_)
    names += (names.empty() ? "--" : ", --") + k;
  throw UsageError("unknown option(s): " + names);
}

} // namespace uscale::run
