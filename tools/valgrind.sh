#!/bin/sh
# Runs rindow_gru's tests under valgrind memcheck: no invalid access, no
# use of uninitialised values, no definite or indirect leak.
#
#   sh tools/valgrind.sh           the whole .phpt suite (run-tests.php -m),
#                                  the leak run of the PHPUnit test bodies
#                                  (tests/sanitize/leakrun.php) and the soak
#   sh tools/valgrind.sh --quick   the CI subset: the .phpt tests of
#                                  tests/phpt/gru, cell and ndarray (every
#                                  layer feature on the CPU, NDArray interop,
#                                  the misuse cases) and the soak; not
#                                  tests/phpt/opencl, whose PoCL compiles its
#                                  kernels with LLVM (minutes under valgrind)
#   sh tools/valgrind.sh --keep    keep the scratch build directory
#
# The .phpt tests run in MAKE_JOBS (default 2) parallel workers.
# It builds the extension with -g -O2 in a scratch directory
# (VALGRIND_BUILD_DIR, default a new mktemp -d) and runs php with
# USE_ZEND_ALLOC=0 (run-tests.php -m sets it), so every emalloc() is a
# malloc() valgrind sees; pcre.jit=0 because valgrind flags the reads of
# PCRE's JIT code (PHP's, not ours). OPENBLAS_NUM_THREADS=1 keeps valgrind's
# serialised threads from making it slower. Any valgrind report fails.
set -eu

quick=0
keep=0
for arg in "$@"; do
	case "$arg" in
		--quick) quick=1 ;;
		--keep) keep=1 ;;
		*) echo "usage: $0 [--quick] [--keep]" >&2; exit 2 ;;
	esac
done
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }

root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${MAKE_JOBS:-2}
build=${VALGRIND_BUILD_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/rindow_gru-valgrind.XXXXXX")}
golden=${RINDOW_GRU_GOLDEN_DIR:-$root/../shared/golden}
export RINDOW_GRU_GOLDEN_DIR="$golden"
# shellcheck disable=SC2317
cleanup() { [ "$keep" = 1 ] || rm -rf "$build"; }
trap cleanup EXIT INT TERM

echo "== valgrind: building in $build (-g -O2)"
mkdir -p "$build/src" "$build/logs" "$build/shared"
[ -d "$golden" ] && ln -sfn "$(cd "$golden" && pwd)" "$build/shared/golden"
(cd "$root" && tar --exclude=.git --exclude=./modules --exclude=.libs --exclude='*.lo' --exclude='*.o' \
	--exclude='*.la' --exclude='*.dep' --exclude=./autom4te.cache --exclude=./Makefile \
	--exclude='tests/phpt/**/*.diff' --exclude='tests/phpt/**/*.out' --exclude='tests/phpt/**/*.log' \
	--exclude='tests/phpt/**/*.exp' --exclude='tests/phpt/**/*.php' --exclude='tests/phpt/**/*.sh' \
	--exclude='tests/phpt/**/*.mem' -cf - .) | (cd "$build/src" && tar -xf -)
(
	cd "$build/src"
	phpize >/dev/null 2>&1
	./configure --quiet CFLAGS="-g -O2" >/dev/null
	make -j"$jobs" >/dev/null 2>"$build/logs/make.stderr" || { cat "$build/logs/make.stderr"; exit 1; }
)
so="$build/src/modules/rindow_gru.so"

export OPENBLAS_NUM_THREADS=1
# run-tests.php -m runs `valgrind -q --tool=memcheck`; these add the leak
# check (its default is a summary that -q hides) and make definite and
# indirect leaks errors that land in the test's .mem file.
export VALGRIND_OPTS="--leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --num-callers=30"
# Suppressions for PHP's or the system's own errors, if ever needed (none are
# today): tests/sanitize/valgrind.supp, each entry commented.
if [ -f "$root/tests/sanitize/valgrind.supp" ]; then
	VALGRIND_OPTS="$VALGRIND_OPTS --suppressions=$root/tests/sanitize/valgrind.supp"
fi

status=0
start=$(date +%s)
phpt="$build/src/tests/phpt"
if [ "$quick" = 1 ]; then
	phpt="$build/src/tests/phpt/gru $build/src/tests/phpt/cell $build/src/tests/phpt/ndarray"
fi
echo "== valgrind: .phpt suite (run-tests.php -m)$([ "$quick" = 1 ] && echo ': gru, cell, ndarray')"
log="$build/logs/phpt.txt"
# shellcheck disable=SC2086
if ! TEST_PHP_EXECUTABLE="$(command -v php)" NO_INTERACTION=1 REPORT_EXIT_STATUS=1 \
		php -n "$build/src/run-tests.php" -m -n -d pcre.jit=0 -d extension="$so" -q --show-diff \
		--show-slow 10000 -j"$jobs" $phpt >"$log" 2>&1; then
	cat "$log"
	for f in $(find "$build/src/tests/phpt" -name '*.mem' -size +0); do
		echo "--- $f"
		cat "$f"
	done
	status=1
fi
grep -E '^Tests (passed|failed|skipped|leaked)' "$log" || true
# run-tests.php --show-slow: the tests that took over 10 s (where the time goes)
sed -n '/^SLOW TEST SUMMARY/,/^====/p' "$log" | grep -E '^\(' || true
# run-tests.php exits 0 when tests only leak: look for its leak summary.
if grep -Eq 'LEAKED TEST SUMMARY|^Tests leaked +: +[1-9]' "$log"; then
	cat "$log"
	for f in $(find "$build/src/tests/phpt" -name '*.mem' -size +0); do
		echo "--- $f"
		cat "$f"
	done
	status=1
fi
echo "== valgrind: .phpt suite took $(( $(date +%s) - start )) s"

if [ "$quick" = 0 ]; then
	start=$(date +%s)
	echo "== valgrind: leak run of the PHPUnit test bodies (tests/sanitize/leakrun.php)"
	if ! (cd "$build/src" && USE_ZEND_ALLOC=0 ZEND_DONT_UNLOAD_MODULES=1 valgrind -q --error-exitcode=99 \
			--log-file="$build/logs/leakrun.vg" php -n -d pcre.jit=0 -d extension="$so" tests/sanitize/leakrun.php \
			tests/phpunit/*Test.php) >"$build/logs/leakrun.txt" 2>&1 || [ -s "$build/logs/leakrun.vg" ]; then
		cat "$build/logs/leakrun.txt" "$build/logs/leakrun.vg"
		status=1
	fi
	tail -n 1 "$build/logs/leakrun.txt"
	echo "== valgrind: leak run took $(( $(date +%s) - start )) s"
fi

start=$(date +%s)
echo "== valgrind: soak (tests/soak/soak.php --device=cpu, 1000 calls; its flatness bounds do not apply under valgrind; OpenCL: PoCL compiles kernels with LLVM, far too slow here)"
rc=0
(cd "$build/src" && USE_ZEND_ALLOC=0 ZEND_DONT_UNLOAD_MODULES=1 valgrind -q --error-exitcode=99 \
	--log-file="$build/logs/soak.vg" php -n -d pcre.jit=0 -d extension="$so" tests/soak/soak.php 1000 100 --no-bounds --device=cpu) \
	>"$build/logs/soak.txt" 2>&1 || rc=$?
if [ "$rc" != 0 ] || [ -s "$build/logs/soak.vg" ] || ! grep -q '^soak: ' "$build/logs/soak.txt"; then
	cat "$build/logs/soak.txt" "$build/logs/soak.vg"
	status=1
fi
tail -n 1 "$build/logs/soak.txt"
echo "== valgrind: soak took $(( $(date +%s) - start )) s"

if [ "$status" = 0 ]; then
	echo "valgrind: OK, no error and no leak"
else
	echo "valgrind: FAILED" >&2
	keep=1
	echo "(kept $build)"
fi
exit "$status"
