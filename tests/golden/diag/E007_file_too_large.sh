# A source one byte over the limit is refused before it is read into memory.
dir=$(mktemp -d)
head -c $((16 * 1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' > "$dir/big.ans"
cd "$dir" && "$1" check --color=never big.ans
status=$?
rm -rf "$dir"
exit $status
