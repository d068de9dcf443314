echo "failing on purpose"
echo "to stderr" >&2
exit 3
