build x.ans -o sim --max-strings 0
