check -D n=four x.ans
