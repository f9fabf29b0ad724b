#!/bin/sh
# The README's first command: set up, build, and run the seed example.
set -eu

cd "$(dirname "$0")/.."
sh tools/setup.sh
sh tools/build.sh
php -d extension="$(pwd)/modules/rindow_gru.so" examples/seed_example.php
