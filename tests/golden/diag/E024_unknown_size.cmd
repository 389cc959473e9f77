check --color=never E024_unknown_size.ans -D m=3
