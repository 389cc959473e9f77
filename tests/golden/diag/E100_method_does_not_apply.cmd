build --color=never --method statevector E100_method_does_not_apply.ans -o /nonexistent/sim
