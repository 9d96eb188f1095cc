# Helpers of the pipeline script tests (sourced after cd into $LIE_TESTDIR): ok/bad print a
# result line and bad sets $fail (the script ends with `exit $fail`); expect runs one command.
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
MPI="$MPIEXEC --oversubscribe"

# expect CODE PATTERN LABEL -- command...: exit code CODE and PATTERN in its output (out.log)
expect() {
  code=$1 pat=$2 label=$3
  shift 4
  "$@" > out.log 2>&1
  rc=$?
  if [ "$rc" -eq "$code" ] && grep -q -- "$pat" out.log; then ok "$label (exit $rc)"; else bad "$label (exit $rc, want $code and '$pat')"; tail -5 out.log; fi
}
