--TEST--
rindow_gru: the device option ('auto', 'cpu', 'opencl'), its errors and getConfig()
--EXTENSIONS--
rindow_gru
--FILE--
<?php
use Rindow\NeuralNetworks\Layer\GRU;

var_dump(array_key_exists('device', (new GRU(2))->getConfig()['options']));
var_dump((new GRU(2, device: 'cpu'))->getConfig()['options']['device']);
try {
    new GRU(2, device: 'gpu');
} catch (InvalidArgumentException $e) {
    echo $e->getMessage(), "\n";
}
try {
    new GRU(2, device: 1);
} catch (TypeError $e) {
    echo $e->getMessage(), "\n";
}
// 'cpu' and 'auto' work whatever the OpenCL settings say
ini_set('rindow_gru.opencl_platform', '99');
$x = Rindow\GRU\NDArray::ones([1, 2, 3]);
echo json_encode((new GRU(2, device: 'cpu'))->forward($x)->shape()), "\n";
echo json_encode((new GRU(2))->forward($x)->shape()), "\n";
?>
--EXPECT--
bool(false)
string(3) "cpu"
Unknown device 'gpu' in GRU: expected auto, cpu or opencl
GRU option device must be of type ?string ('auto', 'cpu' or 'opencl'), int given
[1,2]
[1,2]
