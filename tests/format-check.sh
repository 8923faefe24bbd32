#!/bin/sh
# Every C++ source of the tree follows .clang-format, as clang-format 14 applies it.
# Usage: format-check.sh SOURCE_DIR. Exit 77 (skipped) when clang-format-14 is not installed.
# To fix: clang-format-14 -i FILE...
src=${1:?usage: format-check.sh SOURCE_DIR}
if ! command -v clang-format-14 >/dev/null 2>&1; then
    echo "clang-format-14 is not installed: skipped"
    exit 77
fi
cd "$src" || exit 1
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    files=$(git ls-files '*.cpp' '*.h')
else
    files=$(find app core ui tests -name '*.cpp' -o -name '*.h')
fi
bad=0
for f in $(echo "$files" | grep -v '^tests/fuzz/corpus/'); do
    if ! clang-format-14 --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "not formatted: $f"
        bad=1
    fi
done
exit $bad
