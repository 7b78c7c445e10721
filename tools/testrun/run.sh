#!/usr/bin/env bash
# run.sh is `make test`: the offline tests in stages, each announced and timed, so a first run that
# spends minutes downloading modules or compiling the CDK says so instead of sitting silent. It stops
# at the first failing stage and exits non-zero; go's own output lines pass through unchanged.
#
# From the Makefile: MAKE, TEST_TAGS, UNIT_PKGS, INFRA_PKGS, GENERATE (non-empty: regenerate
# messages/sets_gen.go, as outside CI) and BRANDS_STAMP (the brands stamp target).
set -uo pipefail

stages=(modules generate lint unit infra checks)
summary=()
total_start=$(date +%s)

# stage NAME COMMAND...: runs COMMAND as stage NAME.
stage() {
	local name=$1 n=0 i start rc
	shift
	for i in "${!stages[@]}"; do [ "${stages[$i]}" = "$name" ] && n=$((i + 1)); done
	echo "==> make test [$n/${#stages[@]}] $name"
	start=$(date +%s)
	"$@"
	rc=$?
	local took=$(($(date +%s) - start))
	if [ $rc -ne 0 ]; then
		echo "<== $name FAILED after ${took}s (exit $rc)"
		echo "make test: FAILED in stage $name after $(($(date +%s) - total_start))s"
		exit $rc
	fi
	echo "<== $name ok in ${took}s"
	summary+=("$name ${took}s")
}

# modules downloads what the module cache lacks. The cache is checked offline first (GOPROXY=off
# fails on any missing module); a download reports the cache's growth every 10 s and its total,
# since `go mod download` itself is silent for minutes on a first run (aws-cdk-go alone is ~85 MB).
modules() {
	if GOPROXY=off GOFLAGS=-mod=mod go mod download >/dev/null 2>&1; then
		echo "    every module is in the cache ($(go env GOMODCACHE))"
		return 0
	fi
	local cache kb0
	cache="$(go env GOMODCACHE)/cache/download"
	mkdir -p "$cache"
	kb0=$(du -sk "$cache" | cut -f1)
	echo "    downloading the modules the cache lacks into $(go env GOMODCACHE) (a first run: over 100 MB)"
	(
		while sleep 10; do
			echo "    ... $((($(du -sk "$cache" | cut -f1) - kb0) / 1024)) MB downloaded so far"
		done
	) &
	local ticker=$! rc
	go mod download
	rc=$?
	kill "$ticker" 2>/dev/null
	wait "$ticker" 2>/dev/null
	echo "    downloaded $((($(du -sk "$cache" | cut -f1) - kb0) / 1024)) MB"
	return $rc
}

generate() {
	if [ -n "${GENERATE:-}" ]; then
		"$MAKE" -s --no-print-directory messages/sets_gen.go || return
	else
		echo "    CI is set: messages/sets_gen.go is checked by the tests, not regenerated"
	fi
	"$MAKE" -s --no-print-directory "$BRANDS_STAMP"
}

# shellcheck disable=SC2086 # the package lists and tags are word lists
stage modules modules
stage generate generate
stage lint "$MAKE" -s --no-print-directory lint
stage unit go test -count=1 $TEST_TAGS $UNIT_PKGS
stage infra go test -count=1 $TEST_TAGS $INFRA_PKGS
stage checks "$MAKE" -s --no-print-directory checks
echo "make test: every stage passed in $(($(date +%s) - total_start))s ($(IFS=,; echo "${summary[*]}" | sed 's/,/, /g'))"
