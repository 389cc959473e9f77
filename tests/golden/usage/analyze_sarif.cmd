analyze --format sarif x.ans
