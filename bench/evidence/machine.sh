#!/usr/bin/env bash
# One line describing the machine a result came from (sourced by the
# evidence scripts; the line goes into every saved output).
machine_line() {
  local cpu cores
  cpu=$(grep -m1 "model name" /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')
  cores=$(nproc 2>/dev/null || echo "?")
  echo "machine: ${cpu:-unknown CPU}, ${cores} cores, $(uname -sm), $(date -u +%Y-%m-%d)"
}
