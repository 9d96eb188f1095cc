# Helpers for CLI tests. $LIEREG, $MPIEXEC, $LIE_TESTDIR come from ctest.
set -u
mkdir -p "$LIE_TESTDIR"
cd "$LIE_TESTDIR" || exit 1
FAILS=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; FAILS=$((FAILS + 1)); }
finish() { if [ "$FAILS" -eq 0 ]; then echo "PASSED"; exit 0; else echo "FAILED: $FAILS"; exit 1; fi; }

# expect_error CODE PATTERN cmd...: exit code CODE, exactly one stderr line matching PATTERN.
expect_error() {
  code=$1; pattern=$2; shift 2
  "$@" > out.txt 2> err.txt
  rc=$?
  lines=$(wc -l < err.txt)
  if [ "$rc" -eq "$code" ] && [ "$lines" -eq 1 ] && grep -q -- "$pattern" err.txt; then
    ok "exit $rc, one line: $(cat err.txt)"
  else
    fail "expected exit $code and one line matching '$pattern' from: $*; got exit $rc, $lines line(s):"
    cat err.txt
  fi
}
