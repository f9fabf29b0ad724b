--TEST--
rindow_gru: phpinfo() reports the compute backends and the OpenCL ini settings
--EXTENSIONS--
rindow_gru
--FILE--
<?php
ob_start();
phpinfo(INFO_MODULES);
$text = ob_get_clean();
var_dump((bool) preg_match('/Compute backends => cpu \(OpenBLAS\)(, opencl \(CLBlast\)|; opencl not built \(configure --with-clblast\))/', $text));
var_dump(str_contains($text, 'OpenCL (CLBlast) => '));
var_dump(str_contains($text, 'rindow_gru.opencl_platform => -1 => -1'), str_contains($text, 'rindow_gru.opencl_device => -1 => -1'));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
