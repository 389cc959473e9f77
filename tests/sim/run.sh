#!/usr/bin/env bash
# Simulator tests through the command line: what `ansc build` and `ansc run` produce.
#
#   - the executable built ahead of time and the JIT (`ansc run`) print identical output
#     for the same options (values, gradients, samples, JSON), for each method;
#   - a shared library built with --lib, called from a C program compiled against its
#     generated header, gives the executable's values;
#   - a failed build (an input error, an unwritable output) leaves no file behind, and
#     exits 1;
#   - the simulator's own usage errors exit 2, bad input files exit 1.
#
# usage: run.sh ANSC SOURCE_DIR
set -u
ansc=$(realpath "$1")
root=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# same_output NAME FILE METHOD DEFINES -- SIMULATOR OPTIONS…
same_output() {
    local name=$1 file=$2 method=$3 defines=$4
    shift 5
    # shellcheck disable=SC2086
    if ! "$ansc" build "$root/examples/$file.ans" $defines --method "$method" -o "$tmp/$name" 2>"$tmp/err"; then
        bad "$name: build failed: $(cat "$tmp/err")"
        return
    fi
    "$tmp/$name" "$@" >"$tmp/aot.out" 2>&1
    local s1=$?
    # shellcheck disable=SC2086
    "$ansc" run "$root/examples/$file.ans" $defines --method "$method" "$@" >"$tmp/jit.out" 2>&1
    local s2=$?
    if [ $s1 -ne 0 ] || [ $s2 -ne 0 ]; then
        bad "$name: exit status $s1 (built) / $s2 (run)"; head -5 "$tmp/aot.out" "$tmp/jit.out"
    elif ! cmp -s "$tmp/aot.out" "$tmp/jit.out"; then
        bad "$name: built and JIT outputs differ"; diff "$tmp/aot.out" "$tmp/jit.out" | head -10
    elif [ ! -s "$tmp/aot.out" ]; then
        bad "$name: no output"
    else
        ok
    fi
}

same_output tfim_pauli tfim_hva_chain pauli "-D n=6" -- --random 3 --grad
same_output tfim_dla tfim_hva_chain dla "-D n=6" -- --random 3 --grad --format json
same_output tfim_sv tfim_hva_chain statevector "-D n=6" -- --random 3 --grad
same_output xxz_dla xxz_hva dla "-D n=4" -- --random 11 --sample 50
# state_file FILE DEFINES OUT: Tr(ρP) of |0…0> for the strings the simulator lists.
state_file() {
    # shellcheck disable=SC2086
    "$ansc" run "$root/examples/$1.ans" $2 --list-state-paulis |
        awk '{ v = 1; for (i = 1; i <= NF; i++) if (substr($i, 1, 1) != "Z") v = 0; print $0, v }' >"$3"
}
state_file qcnn "-D n=16 --truncate 3" "$tmp/qcnn16.state"
state_file qcnn "-D n=8" "$tmp/qcnn8.state"
same_output qcnn_pauli qcnn pauli "-D n=16 --truncate 3 --max-strings 100000" -- --random 5 --grad --state "$tmp/qcnn16.state"
same_output qcnn_exact qcnn pauli "-D n=8" -- --random 5 --grad --state "$tmp/qcnn8.state"
# run takes the string budget before and after the file; one string too few is E100.
need=$(wc -l <"$tmp/qcnn16.state")
"$ansc" run --max-strings "$need" "$root/examples/qcnn.ans" -D n=16 --truncate 3 --random 5 --state "$tmp/qcnn16.state" >/dev/null 2>"$tmp/err" &&
    ok || bad "qcnn within $need strings: $(cat "$tmp/err")"
"$ansc" run "$root/examples/qcnn.ans" -D n=16 --truncate 3 --max-strings $((need - 1)) --random 5 >/dev/null 2>"$tmp/err"
if [ $? -eq 1 ] && grep -q "error\[E100\].*more than $((need - 1)) Pauli strings" "$tmp/err"; then ok; else
    bad "qcnn within $((need - 1)) strings: $(cat "$tmp/err")"
fi
same_output reupload_auto data_reuploading auto "-D n=4" -- --random 2 --grad --inputs "$root/tests/sim/inputs4.txt"

# The values of the three methods agree (to print precision, 12 digits).
for m in pauli dla statevector; do
    "$ansc" run "$root/examples/tfim_hva_chain.ans" -D n=6 --method $m --random 9 |
        awk '{ printf "%s %.12f\n", $1, $2 }' >"$tmp/$m.val"
done
if cmp -s "$tmp/pauli.val" "$tmp/dla.val" && cmp -s "$tmp/pauli.val" "$tmp/statevector.val"; then ok; else
    bad "methods disagree"; paste "$tmp/pauli.val" "$tmp/dla.val" "$tmp/statevector.val"
fi

# A library, called from C through its generated header.
if "$ansc" build --lib "$root/examples/tfim_hva_chain.ans" -D n=6 -o "$tmp/libtfim.so" 2>"$tmp/err" &&
    [ -f "$tmp/libtfim.h" ]; then
    cat >"$tmp/use.c" <<'C'
#include "libtfim.h"
#include <stdio.h>
int main(void)
{
    const AnsSimInfo *info = ans_sim_info();
    double params[64] = {0}, values[8], grad[8 * 64];
    for (uint32_t i = 0; i < info->nparams; i++)
        params[i] = 0.1 * (i + 1);
    if (ans_sim_grad(params, NULL, NULL, values, grad) != ANS_OK)
        return 1;
    for (uint32_t o = 0; o < info->nobservables; o++)
        printf("%s %.17g\n", info->observable_names[o], values[o]);
    for (uint32_t o = 0; o < info->nobservables; o++)
        for (uint32_t j = 0; j < info->nparams; j++)
            printf("d %s / d %s %.17g\n", info->observable_names[o], info->param_names[j], grad[o * info->nparams + j]);
    return 0;
}
C
    if cc -std=c11 -Wall -Werror -o "$tmp/use" "$tmp/use.c" -I"$tmp" -L"$tmp" -ltfim -Wl,-rpath,"$tmp" 2>"$tmp/err"; then
        "$tmp/use" >"$tmp/lib.out"
        "$ansc" build "$root/examples/tfim_hva_chain.ans" -D n=6 -o "$tmp/tfim_exe"
        python3 - "$tmp" <<'PY' >"$tmp/params.txt"
import sys
print(" ".join(repr(0.1 * (i + 1)) for i in range(6)))
PY
        "$tmp/tfim_exe" --params "$tmp/params.txt" --grad >"$tmp/exe.out"
        if cmp -s "$tmp/lib.out" "$tmp/exe.out"; then ok; else bad "library and executable differ"; diff "$tmp/lib.out" "$tmp/exe.out" | head; fi
    else
        bad "the generated header does not compile: $(cat "$tmp/err")"
    fi
else
    bad "build --lib failed: $(cat "$tmp/err")"
fi

# A failed build leaves nothing behind and exits 1.
printf 'ansatz broken(n = 2);\nqubit[n] q;\nrx(1) q[5];\n' >"$tmp/broken.ans"
"$ansc" build "$tmp/broken.ans" -o "$tmp/broken" 2>/dev/null
s=$?
if [ $s -eq 1 ] && [ -z "$(ls "$tmp" | grep '^broken\b' | grep -v '\.ans$')" ]; then ok; else bad "broken build: status $s, files: $(ls "$tmp")"; fi
mkdir "$tmp/out"
"$ansc" build "$root/examples/tfim_hva_chain.ans" -o "$tmp/out/missing/sim" 2>/dev/null
s=$?
if [ $s -eq 1 ] && [ -z "$(ls -A "$tmp/out")" ]; then ok; else bad "unwritable output: status $s, files: $(ls -A "$tmp/out")"; fi

# The simulator's own errors: usage 2, bad files 1 with file:line.
"$ansc" build "$root/examples/tfim_hva_chain.ans" -D n=4 -o "$tmp/sim4" 2>/dev/null
"$tmp/sim4" --no-such-option >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "unknown simulator option: not exit 2"
printf '0.1 0.2\n0.3 oops\n' >"$tmp/p.txt"
"$tmp/sim4" --params "$tmp/p.txt" >/dev/null 2>"$tmp/err"
s=$?
if [ $s -eq 1 ] && grep -q "p.txt:2" "$tmp/err"; then ok; else bad "malformed params: status $s, message: $(cat "$tmp/err")"; fi

echo "simulator tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
