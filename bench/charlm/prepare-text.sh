#!/usr/bin/env bash
# Writes the character-LM corpus: every English fortune file of Debian's
# `fortunes` package (the ASCII-art collections left out), concatenated in
# name order. ~2.5 MB, 114 distinct bytes. Not committed: the package
# installs it (utils/setup.sh installs fortunes).
#   usage: prepare-text.sh OUT.txt
set -euo pipefail
out="${1:?usage: prepare-text.sh OUT.txt}"
dir=/usr/share/games/fortunes
if [[ ! -f "$dir/fortunes" ]]; then
  echo "prepare-text: $dir/fortunes is missing: apt-get install fortunes" >&2
  exit 1
fi
files=()
for f in "$dir"/*; do
  case "$f" in
    *.dat | *.u8 | */art | */ascii-art) continue ;;
  esac
  [[ -f "$f" ]] && files+=("$f")
done
cat "${files[@]}" > "$out"
echo "prepare-text: ${#files[@]} files, $(wc -c < "$out") bytes -> $out" >&2
