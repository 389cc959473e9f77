analyze --max-dim 0 x.ans
