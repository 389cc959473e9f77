print a.ans b.ans
