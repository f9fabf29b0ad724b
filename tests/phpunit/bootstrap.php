<?php
// PHPUnit bootstrap: the suite tests the compiled extension, so refuse to
// run (rather than skip everything) when it is not loaded.
if (!extension_loaded('rindow_gru')) {
    fwrite(STDERR, "rindow_gru is not loaded: run with php -d extension=modules/rindow_gru.so\n");
    exit(1);
}
spl_autoload_register(static function (string $class): void {
    $prefix = 'RindowGRUTests\\';
    if (strncmp($class, $prefix, strlen($prefix)) === 0) {
        $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
