#!/bin/sh
# Regenerates ext/*_arginfo.h from php-stubs/*.stub.php with php-dev's
# build/gen_stub.php, as php-src does for its own extensions.
#
# gen_stub.php downloads PHP-Parser on first use, which fails offline; it
# looks for it in build/PHP-Parser-<version>/ beside itself. We run a copy
# of gen_stub.php in a scratch folder where that path points at Debian's
# php-parser package (apt-get install php-parser) instead.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
gen_stub=${GEN_STUB:-$(php-config --extension-dir)/build/gen_stub.php}
[ -f "$gen_stub" ] || gen_stub=$(ls /usr/lib/php/*/build/gen_stub.php 2>/dev/null | head -n 1)
[ -f "$gen_stub" ] || { echo "gen_stub.php not found: install php-dev (php8.2-dev)" >&2; exit 1; }
parser=${PHP_PARSER_DIR:-/usr/share/php/PhpParser}
[ -d "$parser" ] || { echo "PHP-Parser not found at $parser: apt-get install php-parser" >&2; exit 1; }

version=$(sed -n 's/.*\$version = "\([0-9.]*\)".*/\1/p' "$gen_stub" | head -n 1)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/PHP-Parser-$version/lib"
ln -s "$parser" "$scratch/PHP-Parser-$version/lib/PhpParser"
cp "$gen_stub" "$scratch/gen_stub.php"

for stub in "$top"/php-stubs/*.stub.php; do
	name=$(basename "$stub" .stub.php)
	cp "$stub" "$scratch/$name.stub.php"
	php "$scratch/gen_stub.php" -f "$scratch/$name.stub.php"
	# The generated header names its stub; keep that pointing at php-stubs/.
	sed "s#$scratch/#php-stubs/#" "$scratch/${name}_arginfo.h" > "$top/ext/${name}_arginfo.h"
	echo "ext/${name}_arginfo.h"
done
