compile x.ans
