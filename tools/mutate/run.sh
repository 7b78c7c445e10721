#!/usr/bin/env bash
# make mutate: mutation testing (gremlins, pinned in go.mod) of the packages whose logic users depend
# on most: messages/ (Cognito's rules, the name filter, who may be greeted) and handler/ (the event ->
# reply logic). Not part of make test: it runs each package's tests once per mutant.
#
# gremlins v0.6 derives a package's import path from its folder name ending in the package's name;
# handler/ is package main (the Lambda bootstrap), so it would test the module root instead and count
# every mutant as killed. The run therefore works on a copy of the tracked files in which handler/ is
# named handlermain/ (its tests use only relative paths).
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git ls-files -z | tar --null -T - -cf - | tar -C "$work" -xf -
mv "$work/handler" "$work/handlermain"
cd "$work"
workers=${MUTATE_WORKERS:-2}
status=0
for pkg in ${MUTATE_PKGS:-messages handlermain}; do
  echo "== gremlins ./$pkg"
  go tool gremlins unleash --workers "$workers" --timeout-coefficient 3 \
    --exclude-files '_gen\.go$' --exclude-files '(^|/)main\.go$' \
    ${MUTATE_THRESHOLD:+--threshold-efficacy "$MUTATE_THRESHOLD"} "./$pkg" 2>&1 |
    grep -vE '^\s+KILLED |^\s+NOT COVERED ' || status=$?
done
exit $status
