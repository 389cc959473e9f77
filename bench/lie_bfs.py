#!/usr/bin/env python3
"""Reference for bench/run: the dynamical Lie algebra of single-Pauli-string generators by a
plain breadth-first search over (x, z) bitmask pairs, the textbook method (physics.md: the
closure of string generators is a hash-set BFS with no linear algebra). Prints the dimension
and the seconds taken, so bench/run can put ansc's lie_close beside it.

usage: lie_bfs.py CASE N     CASE: su (X_i, Y_i, Z_iZ_{i+1}) or ising (Z_iZ_{i+1}, X_i)
"""
import sys
import time


def generators(case, n):
    gens = []
    for i in range(n):
        if case == "su":
            gens.append((1 << i, 0))           # X_i
            gens.append((1 << i, 1 << i))      # Y_i
        else:
            gens.append((1 << i, 0))           # X_i
        if i + 1 < n:
            gens.append((0, (1 << i) | (1 << (i + 1))))  # Z_i Z_{i+1}
    return gens


def anticommute(a, b):
    return (bin(a[0] & b[1]).count("1") + bin(a[1] & b[0]).count("1")) & 1


def closure(gens):
    seen = set(gens)
    frontier = list(gens)
    while frontier:
        new = []
        for p in frontier:
            for g in gens:
                if anticommute(p, g):
                    q = (p[0] ^ g[0], p[1] ^ g[1])
                    if q not in seen:
                        seen.add(q)
                        new.append(q)
        frontier = new
    return len(seen)


def main():
    case, n = sys.argv[1], int(sys.argv[2])
    start = time.perf_counter()
    dim = closure(generators(case, n))
    print(dim, time.perf_counter() - start)


if __name__ == "__main__":
    main()
