analyze --sweep n=9:2 x.ans
