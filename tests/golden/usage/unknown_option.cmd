check --fast x.ans
