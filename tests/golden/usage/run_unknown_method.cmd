run x.ans --method fastest
