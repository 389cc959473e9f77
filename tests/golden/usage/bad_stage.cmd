print --stop-after=lower x.ans
