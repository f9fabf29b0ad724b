<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/../soak/soak.php';

/**
 * A short soak (tests/soak/soak.php runs the long one): 1,000 forward +
 * backward calls on varied small shapes and options, misuse included, must
 * leave the Zend heap and the resident set flat after 200 warm-up calls.
 */
final class SoakTest extends TestCase
{
    public function testMemoryStaysFlatOverAThousandCalls(): void
    {
        $r = gru_soak(1000, 200, 100);
        $this->assertSame(1000, $r['calls_ok']);
        $this->assertGreaterThan(0, $r['exceptions'], 'the misuse calls ran');
        if (getenv('USE_ZEND_ALLOC') === '0') {
            // Under tools/sanitize.sh or valgrind: no Zend heap to measure, and the
            // tools' own memory moves RSS; LeakSanitizer/memcheck judge leaks there.
            return;
        }
        // 800 measured calls: a leak of one 8-byte Zend allocation per call is 6,400 bytes.
        $this->assertLessThanOrEqual(4096, $r['heap_max_growth'],
            'memory_get_usage() grew by ' . $r['heap_max_growth'] . ' bytes over 800 calls');
        if ($r['rss_first'] > 0) {
            $this->assertLessThanOrEqual(GRU_SOAK_RSS_BOUND, $r['rss_max_growth'],
                'RSS grew by ' . $r['rss_max_growth'] . ' bytes over 800 calls');
        }
    }
}
