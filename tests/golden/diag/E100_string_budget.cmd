build --color=never --method pauli --max-strings 2 E100_string_budget.ans -o /nonexistent/sim
