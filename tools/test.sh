#!/bin/sh
# The README's second command: set up, build, and run every test suite:
# the C core's tests, the .phpt suite (make test, as PECL users run it),
# and PHPUnit, whose summary is the last line.
set -eu

cd "$(dirname "$0")/.."
sh tools/setup.sh
sh tools/build.sh

echo "== C core tests"
make -s -C tests/c check

echo "== .phpt tests (make test)"
log=$(mktemp)
if ! NO_INTERACTION=1 REPORT_EXIT_STATUS=1 make -s test TESTS="-q --show-diff tests/phpt" >"$log" 2>&1; then
	cat "$log"
	rm -f "$log"
	exit 1
fi
grep -E '^Tests (passed|failed|skipped)' "$log" || cat "$log"
rm -f "$log"

echo "== PHPUnit"
exec php -d extension="$(pwd)/modules/rindow_gru.so" "$(command -v phpunit)" -c phpunit.xml
