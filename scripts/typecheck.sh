#!/usr/bin/env bash
# mypy --strict over the whole package. The source folders do not carry the
# import names (reference/ is rfc5269, model/ is rfc5269.model, proofs/ is
# rfc5269.proofs), so build a tree of symbolic links that does, and check it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=build/typecheck
rm -rf "$root"
mkdir -p "$root/rfc5269"
for entry in reference/*; do
    ln -s "../../../$entry" "$root/rfc5269/$(basename "$entry")"
done
ln -s ../../../model "$root/rfc5269/model"
ln -s ../../../proofs "$root/rfc5269/proofs"
MYPYPATH="$root" exec python3 -m mypy --strict -p rfc5269 "$@"
