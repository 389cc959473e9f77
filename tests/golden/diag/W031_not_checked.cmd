check --color=never --max-dim 4 W031_not_checked.ans
