check --color=never no_such_file.ans
