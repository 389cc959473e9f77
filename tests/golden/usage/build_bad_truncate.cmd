build x.ans -o sim --truncate 0
