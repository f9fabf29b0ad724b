<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/../soak/soak.php';

/**
 * A short soak (tests/soak/soak.php runs the long one): 1,000 forward +
 * backward calls on varied small shapes and options, misuse included, must
 * leave the Zend heap and the resident set flat after 200 warm-up calls;
 * on the CPU backend, and on the OpenCL backend where a device opens
 * (there the device buffers are outside the Zend heap: RSS catches them).
 */
final class SoakTest extends TestCase
{
    public function testMemoryStaysFlatOverAThousandCalls(): void
    {
        $this->assertFlat(gru_soak(1000, 200, 100), 200);
    }

    public function testMemoryStaysFlatOverFiveThousandOpenCLCalls(): void
    {
        if (($why = gru_soak_opencl_unavailable()) !== null) {
            $this->markTestSkipped($why);
        }
        // Longer than the CPU's: 4,500 measured calls, so that a driver-side
        // leak of about 1.2 KB per call or more fails the RSS bound.
        $this->assertFlat(gru_soak(5000, 500, 250, 'opencl'), 500);
    }

    private function assertFlat(array $r, int $warmup): void
    {
        $measured = $r['iterations'] - $warmup;
        $this->assertSame($r['iterations'], $r['calls_ok']);
        $this->assertGreaterThan(0, $r['exceptions'], 'the misuse calls ran');
        if (getenv('USE_ZEND_ALLOC') === '0') {
            // Under tools/sanitize.sh or valgrind: no Zend heap to measure, and the
            // tools' own memory moves RSS; LeakSanitizer/memcheck judge leaks there.
            return;
        }
        // 800 measured calls: a leak of one 8-byte Zend allocation per call is 6,400 bytes.
        $this->assertLessThanOrEqual(4096, $r['heap_max_growth'],
            'memory_get_usage() grew by ' . $r['heap_max_growth'] . " bytes over $measured calls");
        if ($r['rss_first'] > 0) {
            $this->assertLessThanOrEqual(GRU_SOAK_RSS_BOUND, $r['rss_max_growth'],
                'RSS grew by ' . $r['rss_max_growth'] . " bytes over $measured calls");
        }
    }
}
