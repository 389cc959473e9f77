check x.ans -o out
