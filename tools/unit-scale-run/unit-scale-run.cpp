//===- unit-scale-run.cpp - Run a model compiled by unit-scale-compile ----===//
//
// Loads lib<name>.so (no MLIR needed), initialises its parameters, feeds
// data and runs it. Subcommands: train, stats, gradcheck (see usage()).
//
//===----------------------------------------------------------------------===//
#include "Commands.h"

#include <cstdio>
#include <cstring>
#include <exception>
#include <malloc.h>

namespace {
const char *kUsage = R"(usage: unit-scale-run COMMAND LIB... [options]

  train LIB        initialise the parameters and run train steps, printing
                   step, loss and tokens/s
      --steps N (20)  --seed S (0)  --init unit|torch (unit)
      --text FILE     next-character data from a text (default: random data)
      --val-fraction F (0.1)  --eval-batches N (0): after training, mean
                   loss and bits per character on N train and N validation
                   batches through the forward function
      --lr X          optimizer none only: plain SGD in the runner (0)
      --print-every N (1)  --log FILE (CSV: step,loss,tokens_per_s)
      --expect-below X  exit 1 unless the last progress line's loss < X
      --device cpu|gpu  exit 1 unless LIB was compiled for this device
                   (unit-scale-compile --device); a GPU library also needs
                   the CUDA driver and a GPU, and a failed GPU call is an
                   error, whatever the command

  stats --scaled LIB --regular LIB
                   one train step of two models compiled with --stats (the
                   unit-scaled one initialised N(0,1), the regular one with
                   PyTorch's defaults): the std of every activation and
                   gradient side by side
      --seed S  --svg FILE (plot with the FP8 ranges)  --json FILE
      --range LO,HI   exit 1 unless every unit-scaled std is in [LO, HI]

  gradcheck LIB --report REPORT.json
                   every parameter's gradient vs central finite differences
                   of the compiled forward: cosine and the factor between
                   them, against the factor the scale report predicts
      --coords N (48) coordinates per parameter  --eps X (1e-5)  --seed S
      --min-cosine C (0.9999)  --factor-tol T (1e-3)
      --expect parallel|not-parallel: exit 1 unless every parameter passes
                   / unless some parameter is not parallel

Positional arguments come before options. Models are built with
unit-scale-compile (docs/cpu-lowering.md); docs/runner.md has examples.
)";
} // namespace

int main(int argc, char **argv) {
  // A compiled step mallocs and frees all its temporaries on every call;
  // glibc's defaults hand large blocks back to the kernel each time, and
  // re-faulting the zeroed pages then costs more than the GEMMs
  // (docs/cpu-lowering.md). Keep them in the process instead.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  if (argc < 2 || !std::strcmp(argv[1], "--help") ||
      !std::strcmp(argv[1], "-h")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  std::string cmd = argv[1];
  try {
    uscale::run::Args args(argc, argv, 2);
    if (cmd == "train")
      return uscale::run::train(args);
    if (cmd == "stats")
      return uscale::run::stats(args);
    if (cmd == "gradcheck")
      return uscale::run::gradcheck(args);
    throw uscale::run::UsageError("unknown command '" + cmd + "'");
  } catch (const uscale::run::UsageError &e) {
    std::fprintf(stderr, "unit-scale-run: %s\n\n%s", e.what(), kUsage);
    return 2;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "unit-scale-run: error: %s\n", e.what());
    return 1;
  }
}
