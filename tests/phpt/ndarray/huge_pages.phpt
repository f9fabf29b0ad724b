--TEST--
NDArray and layer blocks of 2 MiB and more get huge pages advised (ini rindow_gru.huge_pages)
--SKIPIF--
<?php
if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded');
if (PHP_OS_FAMILY !== 'Linux' || !is_readable('/proc/self/smaps')) die('skip needs Linux /proc/self/smaps');
if (!is_dir('/sys/kernel/mm/transparent_hugepage')) die('skip kernel without transparent huge pages');
if (getenv('USE_ZEND_ALLOC') === '0') die('skip Zend allocator off (the advice is for its blocks only)');
?>
--INI--
rindow_gru.huge_pages=1
--FILE--
<?php
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;

// KiB of this process's mappings advised MADV_HUGEPAGE ("hg" in VmFlags).
function advisedKiB(): int
{
    $kib = 0;
    $size = 0;
    foreach (file('/proc/self/smaps') as $line) {
        if (preg_match('/^Size:\s+(\d+) kB/', $line, $m)) {
            $size = (int) $m[1];
        } elseif (str_starts_with($line, 'VmFlags:') && preg_match('/\shg(\s|$)/', $line)) {
            $kib += $size;
        }
    }
    return $kib;
}

$base = advisedKiB();
$a = NDArray::zeros([1 << 20]);            // 4 MiB of float32: two whole 2 MiB extents
echo "4 MiB array: ", advisedKiB() - $base, " KiB\n";
echo "zeros: ", $a[0], " ", $a[(1 << 20) - 1], "\n";
$b = clone $a;
echo "its clone: ", advisedKiB() - $base, " KiB\n";
unset($a, $b);
echo "freed: ", advisedKiB() - $base, " KiB\n";

$small = NDArray::ones([256 * 1024]);      // 1 MiB: no whole extent
echo "1 MiB array: ", advisedKiB() - $base, " KiB\n";
unset($small);

// A layer's outputs ([16,32,1024] float32 = 2 MiB) and its kept workspace.
$layer = new GRU(1024, return_sequences: true);
$x = NDArray::ones([16, 32, 8]);
$layer->build($x);
$before = advisedKiB();
$y = $layer->forward($x, false);
echo "layer outputs and workspace advised: ", advisedKiB() - $before >= 2048 ? "yes" : "no", "\n";
unset($y, $layer);

ini_set('rindow_gru.huge_pages', '0');
$base = advisedKiB();
$c = NDArray::zeros([1 << 20]);
echo "with huge_pages=0: ", advisedKiB() - $base, " KiB\n";
?>
--EXPECT--
4 MiB array: 4096 KiB
zeros: 0 0
its clone: 8192 KiB
freed: 0 KiB
1 MiB array: 0 KiB
layer outputs and workspace advised: yes
with huge_pages=0: 0 KiB
