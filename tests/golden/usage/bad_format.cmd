check --format xml x.ans
