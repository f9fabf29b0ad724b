--TEST--
rindow_gru: OpenCL (PoCL's LLVM) does not take PHP's signal handlers (pcntl_signal handlers still run)
--EXTENSIONS--
rindow_gru
pcntl
--SKIPIF--
<?php
if (!function_exists('exec') || exec('command -v kill') === '') {
    die('skip no kill command');
}
try {
    (new Rindow\NeuralNetworks\Layer\GRU(2, device: 'opencl'))->forward(Rindow\GRU\NDArray::ones([1, 1, 1]));
} catch (DomainException $e) {
    echo 'skip built without the OpenCL backend';
} catch (RuntimeException $e) {
    echo 'skip no OpenCL device';
}
?>
--ENV--
OPENBLAS_NUM_THREADS=1
--FILE--
<?php
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;

// OPENBLAS_NUM_THREADS=1: OpenBLAS's own worker threads, started when the
// extension loads, accept every signal too; in a ZTS PHP one landing there
// kills the process (see README, Hardening). OpenCL's threads are ours to
// keep clean, and this test is about them and about the handlers.
// Handlers first, then every way into OpenCL: the device probe of 'auto',
// opening the device and compiling the kernels (float32 and, where the
// device has fp64, float64), a backward, phpinfo()'s device list.
// SIGUSR1 first: LLVM's handler for it only reports and returns, whereas
// its handlers for SIGHUP, SIGINT, SIGTERM, ... put back every handler
// they replaced and re-raise, which would hide the loss of the others.
$signals = ['SIGUSR1' => SIGUSR1, 'SIGUSR2' => SIGUSR2, 'SIGHUP' => SIGHUP, 'SIGINT' => SIGINT,
    'SIGQUIT' => SIGQUIT, 'SIGTERM' => SIGTERM, 'SIGALRM' => SIGALRM];
$handled = array_fill_keys(array_keys($signals), 0);
foreach ($signals as $name => $signo) {
    pcntl_signal($signo, function () use (&$handled, $name) { $handled[$name]++; });
}
(new GRU(2))->forward(NDArray::ones([1, 2, 3]));
foreach ([NDArray::float32, NDArray::float64] as $dtype) {
    $layer = new GRU(3, device: 'opencl', return_sequences: true);
    try {
        $y = $layer->forward(NDArray::ones([2, 4, 3], $dtype), true);
        $layer->backward([NDArray::ones($y->shape(), $dtype)]);
    } catch (DomainException $e) {
        // no cl_khr_fp64
    }
}
ob_start();
phpinfo(INFO_MODULES);
ob_end_clean();

// kill(1), not posix_kill(): posix is a shared extension that run-tests' -n leaves out
foreach ($signals as $name => $signo) {
    exec('kill -s ' . substr($name, 3) . ' ' . getmypid(), $out, $rc);
    pcntl_signal_dispatch();
}
echo json_encode($handled), "\n";
?>
--EXPECT--
{"SIGUSR1":1,"SIGUSR2":1,"SIGHUP":1,"SIGINT":1,"SIGQUIT":1,"SIGTERM":1,"SIGALRM":1}
