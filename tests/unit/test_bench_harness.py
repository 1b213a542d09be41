"""The benchmarks' reading of the Kafka broker's compile time from `jstat -compiler`."""
from bench.harness import compile_ms

OUTPUT = """Compiled Failed Invalid   Time   FailedType FailedMethod
   14509      2       0    33.05          1 jdk/internal/org/objectweb/asm/Frame merge
"""


def test_the_compile_time_in_ms():
    assert compile_ms(OUTPUT) == 33050.0


def test_a_jvm_that_failed_no_method_reads_the_same():
    assert compile_ms("Compiled Failed Invalid   Time   FailedType FailedMethod\n"
                      "    9427      0       0    17.79          0             \n") == 17790.0


def test_anything_else_is_no_reading():
    assert compile_ms("") is None
    assert compile_ms("12345 not found\n") is None
    assert compile_ms("Compiled Failed Invalid   Time   FailedType FailedMethod\n") is None
    assert compile_ms("Timestamp Compiled Failed Invalid Time\n 1.0 2 3 4 5\n") is None
