//===- Commands.h - unit-scale-run's subcommands ----------------*- C++ -*-===//
#ifndef USCALE_RUN_COMMANDS_H
#define USCALE_RUN_COMMANDS_H

#include "Args.h"

namespace uscale::run {
int train(Args &args);     // Train.cpp
int stats(Args &args);     // Stats.cpp
int gradcheck(Args &args); // GradCheck.cpp
} // namespace uscale::run

#endif
