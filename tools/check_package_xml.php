<?php
/*
 * Checks that package.xml lists exactly the files a PECL build and
 * `make test` need, and that config.m4, config.w32 and package.xml agree
 * on the C sources.
 *
 *   php tools/check_package_xml.php           check; exit 1 listing problems
 *   php tools/check_package_xml.php --write   rewrite package.xml's <contents>
 *                                             from the working tree, then check
 *
 * Files that must be listed: everything git knows under src/, ext/,
 * php-stubs/ and tests/phpt/ (tracked files plus new files that git does not
 * ignore, so that a file added but not yet committed is caught too), and the
 * top-level build files config.m4, config.w32, LICENSE and README.md.
 * Roles: tests/phpt/** "test", LICENSE and README.md "doc", the rest "src".
 */

declare(strict_types=1);

const PACKAGED_DIRS = ['src/', 'ext/', 'php-stubs/', 'tests/phpt/'];
const TOP_LEVEL_FILES = ['config.m4', 'config.w32', 'LICENSE', 'README.md'];
const DOC_FILES = ['LICENSE', 'README.md'];

$root = dirname(__DIR__);
$write = in_array('--write', array_slice($argv, 1), true);
$errors = [];

function expected_role(string $path): string
{
	if (str_starts_with($path, 'tests/phpt/')) {
		return 'test';
	}
	return in_array($path, DOC_FILES, true) ? 'doc' : 'src';
}

/** Files git knows (tracked, and untracked-but-not-ignored) that must be packaged. */
function wanted_files(string $root, array &$errors): array
{
	$cmd = 'git -C ' . escapeshellarg($root) . ' ls-files -z --cached --others --exclude-standard';
	$out = shell_exec($cmd);
	if (!is_string($out)) {
		$errors[] = "cannot run: $cmd";
		return [];
	}
	$files = [];
	foreach (explode("\0", $out) as $path) {
		if ($path === '' || !is_file("$root/$path")) {
			continue; // deleted in the working tree but still in the index
		}
		foreach (PACKAGED_DIRS as $dir) {
			if (str_starts_with($path, $dir)) {
				$files[$path] = expected_role($path);
			}
		}
	}
	foreach (TOP_LEVEL_FILES as $path) {
		$files[$path] = expected_role($path); // required even before it exists
	}
	ksort($files, SORT_STRING);
	return $files;
}

/** name => role of every <file> in package.xml's <contents>, nested <dir>s resolved. */
function listed_files(SimpleXMLElement $contents): array
{
	$files = [];
	$walk = function (SimpleXMLElement $dir, string $prefix) use (&$walk, &$files): void {
		foreach ($dir->children() as $child) {
			$name = (string) $child['name'];
			if ($child->getName() === 'dir') {
				$walk($child, $prefix . trim($name, '/') . ($name === '/' ? '' : '/'));
			} elseif ($child->getName() === 'file') {
				$path = ltrim($prefix . $name, '/');
				if (isset($files[$path])) {
					$files[$path . ' (listed twice)'] = '';
				}
				$files[$path] = (string) $child['role'];
			}
		}
	};
	$walk($contents, '');
	return $files;
}

/** The .c files named by a shell/JS variable assignment VAR="a b c" in a build file. */
function source_list(string $text, string $var): ?array
{
	if (!preg_match('/\b' . preg_quote($var, '/') . '\s*=\s*"([^"]*)"/', $text, $m)) {
		return null;
	}
	return preg_split('/\s+/', trim($m[1]), -1, PREG_SPLIT_NO_EMPTY);
}

$pkgPath = "$root/package.xml";
$xmlText = @file_get_contents($pkgPath);
if ($xmlText === false) {
	fwrite(STDERR, "package.xml: cannot read $pkgPath\n");
	exit(1);
}

$wanted = wanted_files($root, $errors);

if ($write) {
	$lines = ["<contents>", "  <dir name=\"/\">"];
	foreach ($wanted as $path => $role) {
		$lines[] = sprintf('   <file name="%s" role="%s"/>', htmlspecialchars($path, ENT_XML1 | ENT_QUOTES), $role);
	}
	$lines[] = "  </dir>";
	$lines[] = " </contents>";
	$new = preg_replace('~<contents>.*?</contents>~s', implode("\n", $lines), $xmlText, 1, $count);
	if ($count !== 1) {
		fwrite(STDERR, "package.xml: no <contents> element to rewrite\n");
		exit(1);
	}
	file_put_contents($pkgPath, $new);
	$xmlText = $new;
	echo "package.xml: <contents> rewritten with " . count($wanted) . " files\n";
}

libxml_use_internal_errors(true);
$xml = simplexml_load_string($xmlText);
if ($xml === false) {
	foreach (libxml_get_errors() as $e) {
		fprintf(STDERR, "package.xml:%d: %s\n", $e->line, trim($e->message));
	}
	exit(1);
}
$xml->registerXPathNamespace('p', 'http://pear.php.net/dtd/package-2.0');
$contentsNodes = $xml->xpath('/p:package/p:contents');
if (!$contentsNodes) {
	fwrite(STDERR, "package.xml: no <contents> element\n");
	exit(1);
}
$listed = listed_files($contentsNodes[0]);

foreach ($wanted as $path => $role) {
	if (!array_key_exists($path, $listed)) {
		$errors[] = "missing from package.xml: $path";
	} elseif ($listed[$path] !== $role) {
		$errors[] = "wrong role for $path: \"{$listed[$path]}\", expected \"$role\"";
	}
}
foreach ($listed as $path => $role) {
	if (str_ends_with($path, ' (listed twice)')) {
		$errors[] = "listed twice in package.xml: " . substr($path, 0, -strlen(' (listed twice)'));
	} elseif (!is_file("$root/$path")) {
		$errors[] = "listed in package.xml but does not exist: $path";
	}
}

/* C sources: config.m4 is the reference; config.w32 and package.xml must agree. */
$m4 = (string) @file_get_contents("$root/config.m4");
$w32 = (string) @file_get_contents("$root/config.w32");
foreach (['RINDOW_GRU_CORE_SOURCES' => 'src/', 'RINDOW_GRU_EXT_SOURCES' => 'ext/'] as $var => $dir) {
	$m4List = source_list($m4, $var);
	$w32List = source_list($w32, $var);
	if ($m4List === null) {
		$errors[] = "config.m4: no $var=\"...\" list";
		continue;
	}
	if ($w32List === null) {
		$errors[] = "config.w32: no $var = \"...\" list";
		$w32List = [];
	}
	$w32Paths = array_map(fn ($f) => $dir . $f, $w32List);
	foreach ($m4List as $src) {
		if (!str_starts_with($src, $dir)) {
			$errors[] = "config.m4: $var names $src, outside $dir";
		}
		if (!in_array($src, $w32Paths, true)) {
			$errors[] = "in config.m4 but not config.w32 ($var): $src";
		}
		if (!array_key_exists($src, $listed)) {
			$errors[] = "in config.m4 but not package.xml: $src";
		}
		if (!is_file("$root/$src")) {
			$errors[] = "in config.m4 but does not exist: $src";
		}
	}
	foreach ($w32Paths as $src) {
		if (!in_array($src, $m4List, true)) {
			$errors[] = "in config.w32 but not config.m4 ($var): $src";
		}
	}
	/* A .c under src/ or ext/ that no list builds is almost always a forgotten file. */
	foreach ($wanted as $path => $role) {
		if (str_starts_with($path, $dir) && substr_count($path, '/') === 1
				&& str_ends_with($path, '.c') && !in_array($path, $m4List, true)) {
			$errors[] = "not built by config.m4 ($var): $path";
		}
	}
}

if ($errors) {
	fwrite(STDERR, "package.xml: out of sync\n");
	foreach (array_unique($errors) as $e) {
		fwrite(STDERR, "  $e\n");
	}
	exit(1);
}
printf("package.xml: %d files, in sync\n", count($listed));
