#!/bin/sh
# Builds rindow_gru against a thread-safe (ZTS) debug build of PHP 8.2 and
# runs the C core's global-state check, the .phpt suite and PHPUnit with it.
# Debian ships no ZTS PHP, so this script builds one from Debian's own
# source of php8.2 (the orig tarball that `apt-get source` downloads: the
# distribution's php8.2 version, or the newest one whose source the mirror
# has) and caches it in a prefix, so only the first run pays for it
# (~15-25 min with make -j2).
#
#   sh tools/zts.sh              build PHP ZTS if the prefix has none, then
#                                build the extension and run the tests
#   sh tools/zts.sh --php-only   only build (or check) the ZTS PHP
#   sh tools/zts.sh --keep       keep the scratch directory (printed)
#
# Environment: ZTS_PREFIX (default /opt/php-zts), ZTS_SRC_DIR (where the
# PHP source is downloaded and built; default /var/tmp/rindow_gru-php-zts),
# ZTS_BUILD_DIR (scratch dir of the extension; default a new mktemp -d),
# MAKE_JOBS (default 2), RINDOW_GRU_GOLDEN_DIR (default ../shared/golden).
#
# The PHP is configured with --enable-zts --enable-debug: a debug build
# checks Zend's assertions and reports every emalloc() leak at the end of
# a request, which fails a .phpt test (its output differs) and fails this
# script when PHPUnit's run prints one. Only the extensions that PHPUnit 9
# (Debian's phpunit package, run from /usr/share/php) and run-tests.php
# need are built in; mbstring without its regex part, so no oniguruma.
# Installing the build dependencies and adding a deb-src entry for apt
# needs root (or sudo); neither is done when the prefix already has a ZTS
# PHP.
set -eu

php_only=0
keep=0
for arg in "$@"; do
	case "$arg" in
		--php-only) php_only=1 ;;
		--keep) keep=1 ;;
		*) echo "usage: $0 [--php-only] [--keep]" >&2; exit 2 ;;
	esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
prefix=${ZTS_PREFIX:-/opt/php-zts}
srcdir=${ZTS_SRC_DIR:-/var/tmp/rindow_gru-php-zts}
jobs=${MAKE_JOBS:-2}
golden=${RINDOW_GRU_GOLDEN_DIR:-$root/../shared/golden}
export RINDOW_GRU_GOLDEN_DIR="$golden"
zphp="$prefix/bin/php"

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"

# What PHP is configured with; a prefix built with other options (its
# stamp file differs) is rebuilt.
php_configure="--enable-zts --enable-debug --disable-all --disable-cgi --disable-phpdbg --enable-cli \
--with-libxml --enable-dom --enable-xml --enable-xmlwriter --enable-xmlreader --enable-simplexml \
--enable-tokenizer --enable-mbstring --disable-mbregex --enable-ctype --enable-phar \
--enable-filter --enable-posix --enable-pcntl"
stamp="$prefix/rindow_gru-configure.txt"

have_zts_php() {
	[ -x "$zphp" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$php_configure" ] \
		&& "$zphp" -n -r 'exit(PHP_ZTS && PHP_DEBUG && PHP_MAJOR_VERSION == 8 && PHP_MINOR_VERSION == 2 ? 0 : 1);'
}

build_php() {
	echo "== zts: building PHP 8.2 ZTS (debug) into $prefix (source in $srcdir)"
	# Build dependencies: a compiler, libxml2 (dom, xml, xmlwriter, ...), and
	# dpkg-dev for `apt-get source`. The tarball has its parsers generated,
	# so neither bison nor re2c is needed.
	packages="build-essential pkg-config autoconf libxml2-dev dpkg-dev xz-utils"
	missing=""
	for p in $packages; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
	done
	# `apt-get source` needs a deb-src entry; Debian's images ship deb only.
	# Add one for every deb entry of the deb822 sources file, same suites.
	need_update=""
	if ! apt-get source --print-uris php8.2 >/dev/null 2>&1; then
		if [ -f /etc/apt/sources.list.d/debian.sources ]; then
			sed -n 's/^Types: deb$/Types: deb-src/; /^Types:\|^URIs:\|^Suites:\|^Components:\|^Signed-By:\|^$/p' \
				/etc/apt/sources.list.d/debian.sources | $sudo tee /etc/apt/sources.list.d/rindow-gru-deb-src.sources >/dev/null
		else
			grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' \
				| $sudo tee /etc/apt/sources.list.d/rindow-gru-deb-src.list >/dev/null
		fi
		need_update=yes
	fi
	if [ -n "$missing" ] || [ -n "$need_update" ]; then
		$sudo apt-get update -qq
	fi
	if [ -n "$missing" ]; then
		echo "== zts: installing$missing"
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
	fi

	mkdir -p "$srcdir"
	cd "$srcdir"
	# The orig tarball of Debian's php8.2 (upstream's release tarball).
	# Debian's patches are not applied (they are packaging changes);
	# --download-only needs no dpkg-source run.
	# A mirror may lack the newest one's source (the security archive's
	# was missing once): try the versions apt knows, newest first.
	if ! ls php8.2_*.orig.tar.?z* >/dev/null 2>&1; then
		for v in $(apt-cache showsrc php8.2 | sed -n 's/^Version: //p' | sort -rV | uniq); do
			$sudo apt-get source --download-only -qq "php8.2=$v" >/dev/null 2>&1 && break
			echo "== zts: no source of php8.2 $v on the mirror, trying an older one"
		done
		ls php8.2_*.orig.tar.?z* >/dev/null 2>&1 || { echo "zts.sh: apt-get source php8.2 failed" >&2; exit 1; }
	fi
	tarball=$(ls php8.2_*.orig.tar.?z* | grep -v '\.asc$' | sort -V | tail -n 1)
	version=$(echo "$tarball" | sed 's/^php8.2_\(.*\)\.orig\.tar\..*$/\1/')
	echo "== zts: PHP $version from $srcdir/$tarball"
	rm -rf "php-src-$version"
	mkdir "php-src-$version"
	tar -xf "$tarball" -C "php-src-$version" --strip-components=1
	cd "php-src-$version"
	# shellcheck disable=SC2086
	./configure --quiet --prefix="$prefix" $php_configure \
		--with-config-file-path="$prefix/etc" --with-config-file-scan-dir="$prefix/etc/conf.d" \
		>"$srcdir/configure.log" 2>&1 || { tail -n 40 "$srcdir/configure.log"; exit 1; }
	make -j"$jobs" >"$srcdir/make.log" 2>&1 || { tail -n 60 "$srcdir/make.log"; exit 1; }
	$sudo make install >"$srcdir/install.log" 2>&1 || { tail -n 40 "$srcdir/install.log"; exit 1; }
	echo "$php_configure" | $sudo tee "$stamp" >/dev/null
	cd "$root"
}

if have_zts_php; then
	echo "== zts: using $("$zphp" -n -r 'echo PHP_VERSION, PHP_ZTS ? " ZTS" : "", PHP_DEBUG ? " debug" : "";') at $zphp"
else
	build_php
	have_zts_php || { echo "zts.sh: $zphp is not a PHP 8.2 ZTS debug build" >&2; exit 1; }
fi
[ "$php_only" = 1 ] && exit 0

build=${ZTS_BUILD_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/rindow_gru-zts.XXXXXX")}
# shellcheck disable=SC2317
cleanup() { [ "$keep" = 1 ] || rm -rf "$build"; }
trap cleanup EXIT INT TERM

echo "== zts: the C core keeps no global mutable state (tools/check_no_globals.sh)"
sh "$root/tools/check_no_globals.sh"

echo "== zts: building rindow_gru in $build against $prefix"
mkdir -p "$build/src" "$build/logs" "$build/shared"
[ -d "$golden" ] && ln -sfn "$(cd "$golden" && pwd)" "$build/shared/golden"
(cd "$root" && tar --exclude=.git --exclude=./modules --exclude=.libs --exclude='*.lo' --exclude='*.o' \
	--exclude='*.la' --exclude='*.dep' --exclude=./autom4te.cache --exclude=./Makefile \
	--exclude='tests/phpt/**/*.diff' --exclude='tests/phpt/**/*.out' --exclude='tests/phpt/**/*.log' \
	--exclude='tests/phpt/**/*.exp' --exclude='tests/phpt/**/*.php' --exclude='tests/phpt/**/*.sh' \
	--exclude='tests/phpt/**/*.mem' -cf - .) | (cd "$build/src" && tar -xf -)
opencl=""
if [ "${RINDOW_GRU_OPENCL:-auto}" != no ] && pkg-config --exists clblast OpenCL 2>/dev/null; then
	opencl="--with-clblast"
fi
(
	cd "$build/src"
	"$prefix/bin/phpize" >/dev/null 2>&1
	# A debug PHP makes phpize'd builds -O0; the kernels' tests are slow
	# there and the code under test is the optimised one.
	./configure --quiet --with-php-config="$prefix/bin/php-config" $opencl CFLAGS="-g -O2" >/dev/null
	make -j"$jobs" >/dev/null 2>"$build/logs/make.stderr" || { cat "$build/logs/make.stderr"; exit 1; }
)
so="$build/src/modules/rindow_gru.so"
[ -f "$so" ] || { echo "zts.sh: build produced no $so" >&2; exit 1; }
"$zphp" -n -d extension="$so" -r 'exit(extension_loaded("rindow_gru") ? 0 : 1);' \
	|| { echo "zts.sh: the extension does not load in $zphp" >&2; exit 1; }

status=0
echo "== zts: .phpt suite"
log="$build/logs/phpt.txt"
if ! TEST_PHP_EXECUTABLE="$zphp" NO_INTERACTION=1 REPORT_EXIT_STATUS=1 \
		"$zphp" -n "$build/src/run-tests.php" -n -d extension="$so" -q --show-diff \
		"$build/src/tests/phpt" >"$log" 2>&1; then
	cat "$log"
	status=1
fi
grep -E '^Tests (passed|failed|skipped)' "$log" || true

echo "== zts: PHPUnit"
# Debian's phpunit is plain PHP under /usr/share/php; this PHP has its own
# default include_path, so name it.
log="$build/logs/phpunit.txt"
if ! (cd "$build/src" && "$zphp" -n -d include_path=.:/usr/share/php -d memory_limit=1G \
		-d extension="$so" "$(command -v phpunit)" -c phpunit.xml) >"$log" 2>&1; then
	cat "$log"
	status=1
fi
# A debug PHP reports leaked emalloc() blocks on stderr at shutdown.
if grep -Eq 'memory leaks? detected|^\[[^]]*\] +Freeing ' "$log"; then
	echo "zts.sh: the debug PHP reported leaks:" >&2
	grep -E 'memory leaks? detected|Freeing|Last leak' "$log" | head -n 40 >&2
	status=1
fi
tail -n 1 "$log"

if [ "$status" = 0 ]; then
	echo "zts: OK"
else
	echo "zts: FAILED" >&2
	keep=1
	echo "(kept $build)"
fi
exit "$status"
