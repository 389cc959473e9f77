build x.ans
