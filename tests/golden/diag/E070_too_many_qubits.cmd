check --color=never E070_too_many_qubits.ans -D n=100000000
