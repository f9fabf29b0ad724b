--TEST--
rindow_gru: device 'opencl' with an OpenCL platform index that does not exist
--EXTENSIONS--
rindow_gru
--SKIPIF--
<?php
ob_start();
phpinfo(INFO_MODULES);
if (!str_contains(ob_get_clean(), 'OpenCL (CLBlast) => built')) {
    echo 'skip built without the OpenCL backend';
}
?>
--INI--
rindow_gru.opencl_platform=99
--FILE--
<?php
$layer = new Rindow\NeuralNetworks\Layer\GRU(2, device: 'opencl');
try {
    $layer->forward(Rindow\GRU\NDArray::ones([1, 2, 3]));
} catch (RuntimeException $e) {
    echo $e->getMessage(), "\n";
}
?>
--EXPECTF--
GRU device 'opencl': OpenCL error %s (ini rindow_gru.opencl_platform=99, rindow_gru.opencl_device=-1)
