check --color=never --max-dim 100 N033_budget.ans
