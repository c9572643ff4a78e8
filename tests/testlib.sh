# Shared by the shell tests (tests/cli, tests/sweep): source it after setting
# `work` (a scratch directory). Counts results and prints the closing line
# "N passed, N failed" that CI reads.
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok   - $1"; }
bad() { failed=$((failed + 1)); echo "FAIL - $1"; }

# expect NAME STATUS PATTERN -- COMMAND...: the command exits with STATUS and
# its stderr matches the extended regular expression PATTERN (if not empty).
expect() {
  local name=$1 status=$2 pattern=$3
  shift 4
  "$@" > "$work/out" 2> "$work/err"
  local rc=$?
  if [ "$rc" -ne "$status" ]; then
    bad "$name: exit $rc, expected $status; stderr: $(head -c 400 "$work/err")"
  elif [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$work/err"; then
    bad "$name: stderr does not match /$pattern/: $(head -c 400 "$work/err")"
  else
    ok "$name"
  fi
}

# finish: prints the closing line; the exit status says whether all passed.
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
