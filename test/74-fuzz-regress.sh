#!/usr/bin/env bash
# The fuzzers' findings (test/fuzz/regress/), fed to relay's command line:
# each input is an address, and relay must refuse or accept it cleanly:
# exit 0 or 1 in time, an E line when it refuses, and no sanitizer report
# (this bites under "make check SANITIZE=1").  The address under test comes
# first; the second address is invalid, so relay parses both and opens
# nothing.  The inputs also run through the fuzz harnesses in test/fuzz/run.
. "$(dirname "$0")/lib.sh"

n=0
for f in "$TESTDIR"/fuzz/regress/address-*; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	name=$(basename "$f")
	# An argv string ends at a NUL, as the harness cuts it.
	addr=$(tr '\0' '\n' <"$f" | head -n 1)
	for args in "A NOSUCH-ADDRESS:" "-dddd A NOSUCH-ADDRESS:"; do
		set -- $args
		argv=()
		for a in "$@"; do
			[ "$a" = A ] && argv+=("$addr") || argv+=("$a")
		done
		timeout 10 "$RELAY" "${argv[@]}" </dev/null >"$TMP/out" 2>"$TMP/err"
		rc=$?
		check_eq "$name ($args): relay refuses with exit 1" 1 "$rc"
		check "$name ($args): with an E log line" grep -Eq '\] E ' "$TMP/err"
		if grep -Eq 'runtime error|Sanitizer|ERROR: |SUMMARY: ' "$TMP/err"; then
			not_ok "$name ($args): sanitizer report: $(grep -Em1 'runtime error|ERROR: ' "$TMP/err" | cut -c1-200)"
		else
			ok "$name ($args): no sanitizer report"
		fi
	done
done
check "there are regression inputs ($n)" test "$n" -gt 0
finish
