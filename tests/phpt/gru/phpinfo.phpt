--TEST--
rindow_gru: phpinfo() and Runtime::info() report the BLAS in use
--EXTENSIONS--
rindow_gru
--FILE--
<?php
$info = Rindow\GRU\Runtime::info();
var_dump(is_string($info['blas_core']) && $info['blas_core'] !== '');
var_dump($info['blas_threads'] >= 1);
echo implode(',', array_keys($info)), "\n";
ob_start();
phpinfo(INFO_MODULES);
$text = ob_get_clean();
var_dump(str_contains($text, 'rindow_gru support => enabled'), str_contains($text, 'OpenBLAS core => '));
Rindow\GRU\Runtime::setBlasThreads(1);
var_dump(Rindow\GRU\Runtime::info()['blas_threads']);
try {
    Rindow\GRU\Runtime::setBlasThreads(0);
} catch (InvalidArgumentException $e) {
    echo $e->getMessage(), "\n";
}
?>
--EXPECT--
bool(true)
bool(true)
version,backends,blas_config,blas_core,blas_threads,cpu_features,warning
bool(true)
bool(true)
int(1)
threads must be between 1 and 1024, 0 given
