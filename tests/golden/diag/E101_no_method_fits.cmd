build --color=never E101_no_method_fits.ans -o /nonexistent/sim
