#!/bin/sh
# Builds rindow_gru with AddressSanitizer + UndefinedBehaviorSanitizer in a
# scratch directory and runs the .phpt suite and the PHPUnit suite under
# them, with LeakSanitizer on. Exits nonzero on any test failure and on any
# sanitizer report (memory error, undefined behaviour, or a leak that
# tests/sanitize/lsan.supp does not suppress).
#
#   sh tools/sanitize.sh            build, then the .phpt suite, PHPUnit and
#                                   the leak run (about 1-2 min in all)
#   sh tools/sanitize.sh --quick    the same: everything is fast enough for
#                                   CI (the flag matches valgrind.sh's)
#   sh tools/sanitize.sh --keep     keep the scratch directory (printed)
#
# Environment: SANITIZE_OPENCL=1 (build and test the OpenCL backend too),
# SANITIZE_BUILD_DIR (scratch dir; default: a new mktemp -d),
# RINDOW_GRU_GOLDEN_DIR (default ../shared/golden), MAKE_JOBS (default 2),
# CC (default gcc: the ASan runtime preloaded is that compiler's).
#
# How PHP is run: Debian's php is not built with ASan, so the ASan runtime
# is LD_PRELOADed (`$CC -print-file-name=libasan.so`), after a small shim
# (tests/sanitize/nodeepbind.c) that clears RTLD_DEEPBIND from PHP's
# dlopen() of extensions, which ASan otherwise refuses. USE_ZEND_ALLOC=0
# makes emalloc() plain malloc() so that ASan sees every PHP allocation,
# ZEND_DONT_UNLOAD_MODULES=1 keeps our symbols for leak stacks. Reports go
# to files (log_path) that this script scans at the end, so a report fails
# the run even where a test's output would not show it.
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

root=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-gcc}
jobs=${MAKE_JOBS:-2}
build=${SANITIZE_BUILD_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/rindow_gru-sanitize.XXXXXX")}
golden=${RINDOW_GRU_GOLDEN_DIR:-$root/../shared/golden}
export RINDOW_GRU_GOLDEN_DIR="$golden"
# shellcheck disable=SC2317
cleanup() { [ "$keep" = 1 ] || rm -rf "$build"; }
trap cleanup EXIT INT TERM

libasan=$($CC -print-file-name=libasan.so)
if [ ! -e "$libasan" ]; then
	echo "sanitize.sh: no ASan runtime for $CC ($libasan); install libasan8 / gcc" >&2
	exit 2
fi
libasan=$(readlink -f "$libasan")

echo "== sanitize: building in $build (ASan + UBSan)"
mkdir -p "$build/src" "$build/logs" "$build/shared"
# tests/phpt/gru/golden_medium.phpt looks for shared/golden beside the checkout.
[ -d "$golden" ] && ln -sfn "$(cd "$golden" && pwd)" "$build/shared/golden"
# A clean copy of the sources: no git, no build outputs of other builds.
(cd "$root" && tar --exclude=.git --exclude=./modules --exclude=.libs --exclude='*.lo' --exclude='*.o' \
	--exclude='*.la' --exclude='*.dep' --exclude=./autom4te.cache --exclude=./Makefile \
	--exclude='tests/phpt/**/*.diff' --exclude='tests/phpt/**/*.out' --exclude='tests/phpt/**/*.log' \
	--exclude='tests/phpt/**/*.exp' --exclude='tests/phpt/**/*.php' --exclude='tests/phpt/**/*.sh' \
	-cf - .) | (cd "$build/src" && tar -xf -)
san="-fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer -fno-sanitize-recover=all"
# SANITIZE_OPENCL=1: the OpenCL backend too (where CLBlast and OpenCL are
# installed; PoCL runs it on the CPU). It passes, with no report, but PoCL
# under ASan makes the run about 8.5 min instead of 1.5, too long for CI.
opencl=""
if [ "${SANITIZE_OPENCL:-0}" = 1 ] && pkg-config --exists clblast OpenCL 2>/dev/null; then
	opencl="--with-clblast"
fi
(
	cd "$build/src"
	phpize >/dev/null 2>&1
	./configure --quiet $opencl CC="$CC" CFLAGS="-g -O1 $san" LDFLAGS="$san" >/dev/null
	make -j"$jobs" >/dev/null 2>"$build/logs/make.stderr" || { cat "$build/logs/make.stderr"; exit 1; }
)
so="$build/src/modules/rindow_gru.so"
[ -f "$so" ] || { echo "sanitize.sh: build produced no $so" >&2; exit 1; }
$CC -shared -fPIC -O2 -o "$build/nodeepbind.so" "$root/tests/sanitize/nodeepbind.c" -ldl

# The php that the tests run: sanitizer runtime and options, nothing else.
# Leaks of PHP itself or of system libraries, if ever needed (none are
# today): tests/sanitize/lsan.supp, narrowly scoped, each entry commented.
supp=""
[ -f "$root/tests/sanitize/lsan.supp" ] && supp="$root/tests/sanitize/lsan.supp"
cat >"$build/php-san" <<EOF
#!/bin/sh
LSAN_SUPP="$supp"
export USE_ZEND_ALLOC=0 ZEND_DONT_UNLOAD_MODULES=1
export LD_PRELOAD="$build/nodeepbind.so $libasan\${LD_PRELOAD:+ \$LD_PRELOAD}"
export ASAN_OPTIONS="detect_leaks=\${SAN_DETECT_LEAKS:-1}:fast_unwind_on_malloc=0:verify_asan_link_order=0:halt_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:log_path=$build/logs/asan"
export LSAN_OPTIONS="\${LSAN_SUPP:+suppressions=\$LSAN_SUPP:}print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$build/logs/ubsan"
exec php "\$@"
EOF
chmod +x "$build/php-san"

# Smoke check: the extension loads under the sanitizers at all.
if ! "$build/php-san" -n -d extension="$so" -r 'exit(extension_loaded("rindow_gru") ? 0 : 1);'; then
	echo "sanitize.sh: the sanitized extension does not load:" >&2
	cat "$build"/logs/* 2>/dev/null >&2 || true
	exit 1
fi

status=0
start=$(date +%s)
echo "== sanitize: .phpt suite"
log="$build/logs/phpt.txt"
if ! TEST_PHP_EXECUTABLE="$build/php-san" NO_INTERACTION=1 REPORT_EXIT_STATUS=1 \
		php -n "$build/src/run-tests.php" -n -d extension="$so" -q --show-diff \
		"$build/src/tests/phpt" >"$log" 2>&1; then
	cat "$log"
	status=1
fi
grep -E '^Tests (passed|failed|skipped)' "$log" || true

echo "== sanitize: PHPUnit (memory errors and UB; leaks: see the leak run)"
# PHPUnit needs the distribution's shared extensions (dom, mbstring, ...),
# so this run keeps php.ini; opcache is off for the CLI by default.
# PHPUnit leaves cyclic garbage at shutdown, which LSan reports as leaks
# even for a trivial test without the extension: leak detection is off here
# and on, with zero tolerance, in the leak run below.
if ! (cd "$build/src" && SAN_DETECT_LEAKS=0 "$build/php-san" -d extension="$so" "$(command -v phpunit)" -c phpunit.xml) \
		>"$build/logs/phpunit.txt" 2>&1; then
	cat "$build/logs/phpunit.txt"
	status=1
fi
tail -n 1 "$build/logs/phpunit.txt"

echo "== sanitize: leak run of the PHPUnit test bodies (tests/sanitize/leakrun.php)"
if ! (cd "$build/src" && "$build/php-san" -n -d extension="$so" tests/sanitize/leakrun.php tests/phpunit/*Test.php) \
		>"$build/logs/leakrun.txt" 2>&1; then
	cat "$build/logs/leakrun.txt"
	status=1
fi
tail -n 1 "$build/logs/leakrun.txt"
echo "== sanitize: soak (tests/soak/soak.php, 2000 calls; its flatness bounds do not apply under ASan)"
(cd "$build/src" && "$build/php-san" -n -d extension="$so" tests/soak/soak.php 2000 200 --no-bounds) >"$build/logs/soak.txt" 2>&1 || status=1
tail -n 1 "$build/logs/soak.txt"
if ! grep -q '^soak: ' "$build/logs/soak.txt"; then
	cat "$build/logs/soak.txt"
	status=1
fi

echo "== sanitize: suites took $(( $(date +%s) - start )) s"

# Any report file means a finding (leaks PHP itself makes are suppressed).
reports=$(find "$build/logs" -name 'asan.*' -o -name 'ubsan.*' | sort)
if [ -n "$reports" ]; then
	echo "== sanitize: SANITIZER REPORTS"
	for f in $reports; do
		echo "--- $f"
		cat "$f"
	done
	status=1
	keep=1
	echo "(kept $build)"
fi
if [ "$status" = 0 ]; then
	echo "sanitize: OK, no sanitizer report"
else
	echo "sanitize: FAILED" >&2
fi
exit "$status"
