#!/bin/sh
# End-to-end check of the PECL release path, offline:
#
#   1. tools/check_package_xml.php (package.xml lists exactly the right files)
#   2. copy the working tree (no .git, no build outputs) to a temp dir and
#      `pecl package` it -> rindow_gru-<version>.tgz
#   3. `pecl install` that tgz with no prompts (OpenBLAS autodetected with
#      pkg-config), load it with `php -d extension=rindow_gru`, run a forward
#      pass
#   4. `pecl uninstall rindow_gru`, leaving the machine as found
#
# Needs: php-pear (pecl), php-dev (phpize), gcc, make, pkg-config and
# libopenblas-dev; root, since pecl installs into PHP's extension_dir.
# Usage: tools/pecl_smoke.sh [--keep-tgz DIR]   exits nonzero on any failure.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
KEEP_DIR=
if [ "${1:-}" = "--keep-tgz" ]; then
	KEEP_DIR=${2:?--keep-tgz needs a directory}
fi

fail() { echo "pecl_smoke: FAIL: $*" >&2; exit 1; }

command -v pecl >/dev/null || fail "pecl not found (apt-get install php-pear)"
command -v phpize >/dev/null || fail "phpize not found (apt-get install php-dev)"

PHP_BIN=$(command -v php)
EXT_DIR=$("$PHP_BIN" -r 'echo ini_get("extension_dir");')
"$PHP_BIN" -m | grep -qx rindow_gru && fail "rindow_gru is already loaded by this php's ini files; refusing to touch it"
pecl list 2>/dev/null | grep -q '^rindow_gru ' && fail "rindow_gru is already installed with pecl; 'pecl uninstall rindow_gru' first"

# pecl builds under its temp_dir (Debian: /tmp/pear/temp); remove those
# folders afterwards if this run is what created them and they are empty.
PEAR_DIRS=
for d in "$(pecl config-get temp_dir 2>/dev/null)" "$(pecl config-get download_dir 2>/dev/null)"; do
	while [ -n "$d" ] && [ "$d" != "/" ] && [ ! -e "$d" ]; do
		PEAR_DIRS="$PEAR_DIRS $d"
		d=$(dirname "$d")
	done
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rindow_gru_pecl.XXXXXX")
BACKUP=
INSTALLED=0
cleanup() {
	status=$?
	trap - EXIT INT TERM
	if [ "$INSTALLED" = 1 ]; then
		pecl uninstall rindow_gru >"$WORK/uninstall.log" 2>&1 || { cat "$WORK/uninstall.log" >&2; status=1; }
	fi
	# Put back a rindow_gru.so that was there before (e.g. from `make install`).
	if [ -n "$BACKUP" ]; then
		cp -p "$BACKUP" "$EXT_DIR/rindow_gru.so" || status=1
	fi
	rm -rf "$WORK"
	for d in $PEAR_DIRS; do  # deepest first, as collected
		rmdir "$d" 2>/dev/null || true
	done
	exit $status
}
trap cleanup EXIT INT TERM

if [ -e "$EXT_DIR/rindow_gru.so" ]; then
	BACKUP="$WORK/rindow_gru.so.before"
	cp -p "$EXT_DIR/rindow_gru.so" "$BACKUP"
fi

echo "== 1. package.xml in sync"
"$PHP_BIN" "$ROOT/tools/check_package_xml.php"

echo "== 2. pecl package in a clean copy"
mkdir "$WORK/tree"
# Tracked files plus new files git does not ignore: no .git, no build outputs.
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard) |
	(cd "$ROOT" && xargs -0 sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' sh) |
	(cd "$ROOT" && tar --null -T - -cf -) | (cd "$WORK/tree" && tar -xf -)
VERSION=$(sed -n 's:.*<release>\([^<]*\)</release>.*:\1:p' "$WORK/tree/package.xml" | head -n 1)
TGZ="rindow_gru-$VERSION.tgz"
(cd "$WORK/tree" && pecl package package.xml) >"$WORK/package.log" 2>&1 || { cat "$WORK/package.log" >&2; fail "pecl package"; }
grep -i 'warning' "$WORK/package.log" >&2 || true
[ -f "$WORK/tree/$TGZ" ] || { cat "$WORK/package.log" >&2; fail "pecl package made no $TGZ"; }
echo "built $TGZ ($(wc -c <"$WORK/tree/$TGZ") bytes, $(tar -tzf "$WORK/tree/$TGZ" | wc -l) entries)"
if [ -n "$KEEP_DIR" ]; then
	cp "$WORK/tree/$TGZ" "$KEEP_DIR/"
fi

echo "== 3. pecl install (offline, no prompts)"
# The answer "autodetect" makes pecl pass a bare --with-openblas (pkg-config);
# -D answers the prompt, and </dev/null keeps any other prompt from waiting.
INSTALLED=1
pecl install -D 'with-openblas="autodetect"' "$WORK/tree/$TGZ" </dev/null >"$WORK/install.log" 2>&1 ||
	{ tail -n 60 "$WORK/install.log" >&2; fail "pecl install"; }
grep -E "running: .*configure|install ok" "$WORK/install.log" || true
[ -f "$EXT_DIR/rindow_gru.so" ] || fail "no $EXT_DIR/rindow_gru.so after pecl install"

echo "== 4. load and run"
"$PHP_BIN" -d extension=rindow_gru -r 'var_dump(class_exists("Rindow\\NeuralNetworks\\Layer\\GRU"));' | tee "$WORK/load.out"
grep -qx 'bool(true)' "$WORK/load.out" || fail "class Rindow\\NeuralNetworks\\Layer\\GRU not found"
"$PHP_BIN" -d extension=rindow_gru -r '
mt_srand(42); $gru = new Rindow\NeuralNetworks\Layer\GRU(3, return_sequences: true);
$y = $gru->forward(Rindow\GRU\NDArray::ones([2, 5, 4]));
$v = $y->toArray(); echo implode(",", $y->shape()), " ", is_finite($v[1][4][2]) && $v[1][4][2] != 0.0 ? "ok" : "bad", "\n";
' | tee "$WORK/forward.out"
grep -qx '2,5,3 ok' "$WORK/forward.out" || fail "forward pass gave unexpected output"

echo "== 5. pecl uninstall"
INSTALLED=0
pecl uninstall rindow_gru >"$WORK/uninstall.log" 2>&1 || { cat "$WORK/uninstall.log" >&2; fail "pecl uninstall"; }
grep "uninstall ok" "$WORK/uninstall.log" || true
if [ -z "$BACKUP" ] && [ -e "$EXT_DIR/rindow_gru.so" ]; then
	fail "$EXT_DIR/rindow_gru.so still there after pecl uninstall"
fi
echo "pecl_smoke: OK ($TGZ)"
