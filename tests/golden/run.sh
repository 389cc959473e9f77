#!/usr/bin/env bash
# Golden tests: run ansc on each case and compare its output, byte for byte, with the
# expectation stored beside it. The extension picks the check (cproc's runtests, tcc's
# tests2/*.expect):
#
#   diag/NAME.ans    `ansc check NAME.ans` (or the arguments in NAME.cmd, or the script
#                    NAME.sh given the ansc binary) -> stderr == NAME.err; exit status 1
#                    when NAME.err holds an error, else 0.
#   print/EX@D.out   `ansc print examples/EX.ans -D D…` -> stdout == EX@D.out, where D is
#                    a comma-separated list such as n=8,layers=2 (empty after @: defaults).
#   stages/NAME.ans  `ansc print --stop-after=S NAME.ans` -> stdout == NAME.S for each
#                    NAME.parse / NAME.check present.
#   usage/NAME.cmd   `ansc` with those arguments -> stderr == NAME.err, exit status 2 (bad
#                    usage of the command line).
#
# usage: run.sh ANSC SOURCE_DIR [--update]
#   --update rewrites the expectations from the current output (review the diff!).
set -u
shopt -s nullglob
ansc=$(realpath "$1")
root=$(realpath "$2")
update=${3:-}
golden="$root/tests/golden"
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # name expected-file actual-file
    if [ "$update" = --update ]; then
        cp "$3" "$2"
        pass=$((pass + 1))
    elif cmp -s "$2" "$3"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $1"
        diff -u "$2" "$3" | head -40
    fi
}

cd "$golden/diag" || exit 1
for src in *.ans; do
    name=${src%.ans}
    if [ -f "$name.sh" ]; then
        bash "$name.sh" "$ansc" >"$tmp/out" 2>"$tmp/err"
        status=$?
    elif [ -f "$name.cmd" ]; then
        # shellcheck disable=SC2046
        "$ansc" $(cat "$name.cmd") >"$tmp/out" 2>"$tmp/err"
        status=$?
    else
        "$ansc" check --color=never "$src" >"$tmp/out" 2>"$tmp/err"
        status=$?
    fi
    want=0
    grep -q "error\[" "$name.err" 2>/dev/null && want=1
    if [ "$update" != --update ] && [ "$status" -ne "$want" ]; then
        echo "FAIL diag/$name: exit status $status, expected $want"
        fail=$((fail + 1))
        continue
    fi
    check "diag/$name" "$name.err" "$tmp/err"
done

cd "$root" || exit 1
for out in "$golden"/print/*.out; do
    base=$(basename "$out" .out)
    example=${base%%@*}
    defines=${base#*@}
    args=()
    IFS=, read -ra pairs <<<"$defines"
    for d in "${pairs[@]}"; do
        [ -n "$d" ] && args+=(-D "$d")
    done
    "$ansc" print "examples/$example.ans" "${args[@]}" >"$tmp/out" 2>"$tmp/err"
    status=$?
    if [ "$status" -ne 0 ]; then
        echo "FAIL print/$base: exit status $status"
        cat "$tmp/err"
        fail=$((fail + 1))
        continue
    fi
    check "print/$base" "$out" "$tmp/out"
done

cd "$golden/stages" || exit 1
for src in *.ans; do
    name=${src%.ans}
    for stage in parse check; do
        [ -f "$name.$stage" ] || continue
        "$ansc" print --stop-after=$stage "$src" >"$tmp/out" 2>&1
        check "stages/$name.$stage" "$name.$stage" "$tmp/out"
    done
done

cd "$golden/usage" || exit 1
for cmd in *.cmd; do
    name=${cmd%.cmd}
    # shellcheck disable=SC2046
    "$ansc" $(cat "$cmd") >"$tmp/out" 2>"$tmp/err"
    status=$?
    if [ "$update" != --update ] && [ "$status" -ne 2 ]; then
        echo "FAIL usage/$name: exit status $status, expected 2"
        fail=$((fail + 1))
        continue
    fi
    check "usage/$name" "$name.err" "$tmp/err"
done

echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
