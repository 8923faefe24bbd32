#!/bin/sh
# Validates the Kubernetes manifests in packaging/cluster/kubernetes against the official
# Kubernetes JSON schemas vendored in tests/cluster/kubernetes-schema (strict: a misspelt
# field fails), checks what Tincture's Jobs rely on, and lints the Dockerfile's shape; no
# network and no cluster. check_kubernetes.py does the work; this finds a Python 3 that has
# the two modules it needs (Debian 12: python3-jsonschema, python3-yaml).
# usage: check-kubernetes.sh SOURCE_DIR
# Exit 0 passed, 1 failed, 77 skipped (ctest's SKIP_RETURN_CODE): no such Python.
set -u
src=${1:?usage: check-kubernetes.sh SOURCE_DIR}
here=$(cd "$(dirname "$0")" && pwd)

# Debian's interpreter first: the apt packages install there, whatever python3 comes first
# on PATH.
for py in /usr/bin/python3 python3; do
    command -v "$py" >/dev/null 2>&1 || continue
    if "$py" -c 'import jsonschema, yaml' 2>/dev/null; then
        exec "$py" "$here/check_kubernetes.py" "$src"
    fi
done
echo "check-kubernetes: skipped: needs python3 with the jsonschema and yaml modules" \
     "(Debian 12: apt-get install python3-jsonschema python3-yaml)"
exit 77
