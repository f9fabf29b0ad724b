<?php
/*
 * Leak run for tools/sanitize.sh and tools/valgrind.sh: calls every test
 * method of the given PHPUnit test files (with setUp()/tearDown() and
 * @dataProvider sets) in one process, WITHOUT PHPUnit, through a stub
 * TestCase whose assertions do nothing. Exceptions are caught and ignored.
 *
 * Why: PHPUnit itself leaves cyclic garbage at shutdown, which a release
 * PHP with USE_ZEND_ALLOC=0 never frees, so LeakSanitizer/valgrind report a
 * leak for every PHPUnit run even of a trivial test without the extension.
 * Here only the test bodies and the extension run, so any leak report is a
 * finding. (The assertions themselves are checked by the normal PHPUnit
 * run, which the scripts do with leak detection off.)
 *
 *   php -d extension=... tests/sanitize/leakrun.php tests/phpunit/*Test.php
 */
namespace PHPUnit\Framework {
    if (!class_exists(TestCase::class, false)) {
        abstract class TestCase
        {
            public function __construct(?string $name = null)
            {
            }

            public function __call(string $name, array $args): mixed
            {
                return null;
            }

            public static function __callStatic(string $name, array $args): mixed
            {
                return null;
            }

            public function fail(string $message = ''): never
            {
                throw new \RuntimeException($message);
            }

            protected function setUp(): void
            {
            }

            protected function tearDown(): void
            {
            }
        }
    }
}

namespace {
    require __DIR__ . '/../phpunit/bootstrap.php';

    $calls = 0;
    $threw = 0;
    foreach (array_slice($argv, 1) as $file) {
        require_once $file;
        $class = 'RindowGRUTests\\' . basename($file, '.php');
        $rc = new ReflectionClass($class);
        if ($rc->isAbstract()) {
            continue;
        }
        foreach ($rc->getMethods(ReflectionMethod::IS_PUBLIC) as $method) {
            if (strncmp($method->name, 'test', 4) !== 0) {
                continue;
            }
            $sets = [[]];
            if (preg_match('/@dataProvider\s+(\w+)/', (string)$method->getDocComment(), $m)) {
                $provider = $rc->getMethod($m[1]);
                $sets = $provider->isStatic() ? $provider->invoke(null) : $provider->invoke(new $class());
            }
            foreach ($sets as $args) {
                $test = new $class();
                $setUp = $rc->getMethod('setUp');
                $tearDown = $rc->getMethod('tearDown');
                $setUp->setAccessible(true);
                $tearDown->setAccessible(true);
                try {
                    $setUp->invoke($test);
                    $test->{$method->name}(...array_values($args));
                } catch (\Throwable $e) {
                    $threw++;
                }
                try {
                    $tearDown->invoke($test);
                } catch (\Throwable $e) {
                }
                unset($test, $e);
                $calls++;
            }
        }
    }
    gc_collect_cycles();
    echo "leakrun: $calls test calls ($threw threw, as expected of misuse tests)\n";
}
