--TEST--
rindow_gru: device 'opencl' in a build without the OpenCL backend
--EXTENSIONS--
rindow_gru
--SKIPIF--
<?php
ob_start();
phpinfo(INFO_MODULES);
if (!str_contains(ob_get_clean(), 'opencl not built')) {
    echo 'skip built with the OpenCL backend';
}
?>
--FILE--
<?php
try {
    new Rindow\NeuralNetworks\Layer\GRU(2, device: 'opencl');
} catch (DomainException $e) {
    echo $e->getMessage(), "\n";
}
?>
--EXPECT--
GRU option device 'opencl': this build of rindow_gru has no OpenCL backend (build it with ./configure --with-clblast)
