package io.peyvand.loadtests.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CpuAccountingTest {

  @Test
  void utimePlusStimeAreCountedAfterTheCommandNameEvenWithSpacesAndParentheses() {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    String stat = "4242 (java (C2) x) S 1 4242 4242 0 -1 4194560 120 0 3 0 1234 567 8 9 20 0";
    assertEquals(1234 + 567, ProcessCpu.ticksFromStat(stat));
    assertThrows(IllegalArgumentException.class, () -> ProcessCpu.ticksFromStat("garbage"));
    assertThrows(IllegalArgumentException.class, () -> ProcessCpu.ticksFromStat("1 (x) S 1 2"));
  }

  @Test
  void thisProcessHasUsedSomeCpu() {
    long pid = ProcessHandle.current().pid();
    assertEquals(true, ProcessCpu.nanos(pid).orElse(-1) > 0);
    assertEquals(true, ProcessCpu.nanos(-5).isEmpty());
  }

  @Test
  void machineBusyTimeIsEverythingButIdleAndIowait() {
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    assertEquals(
        100 + 2 + 30 + 4 + 5 + 6,
        CpuSplit.busyTicksFromProcStat("cpu  100 2 30 9999 77 4 5 6 50 0"));
    assertThrows(
        IllegalArgumentException.class, () -> CpuSplit.busyTicksFromProcStat("cpu0 1 2 3 4 5"));
  }

  @Test
  void listeningSocketsAreFoundByPortInTheTcpAndTcp6Tables() {
    List<String> tcp =
        List.of(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
                + "  timeout inode",
            // 127.0.0.1:9042 listening
            "   0: 0100007F:2352 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 111 1",
            // 127.0.0.1:9042 an established connection: not a listener
            "   1: 0100007F:2352 0100007F:D431 01 00000000:00000000 00:00000000 00000000 0 0 222 1",
            // 127.0.0.1:7400 listening
            "   2: 0100007F:1CE8 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 333 1");
    assertEquals(Set.of(111L), ListeningProcess.listeningInodes(tcp, 9042));
    assertEquals(Set.of(333L), ListeningProcess.listeningInodes(tcp, 7400));
    assertEquals(Set.of(), ListeningProcess.listeningInodes(tcp, 7401));
    List<String> tcp6 =
        List.of(
            "   0: 0000000000000000FFFF00000100007F:1DB0 00000000000000000000000000000000:0000 0A"
                + " 00000000:00000000 00:00000000 00000000     0        0 348039 1 0 100 0 0 10 0");
    assertEquals(Set.of(348039L), ListeningProcess.listeningInodes(tcp6, 7600));
  }

  @Test
  void sharesAreOfWallTimesCoresAndOtherIsTheRestOfTheMachinesBusyTime() {
    CpuSplit.Result r =
        new CpuSplit.Result(
            List.of(
                new CpuSplit.Share("broker", 1, 3_000_000_000L),
                new CpuSplit.Share("cassandra", 2, 1_000_000_000L)),
            4_000_000_000L,
            2,
            5_000_000_000L);
    assertEquals(37.5, r.percent(3_000_000_000L), 1e-9);
    assertEquals(1_000_000_000L, r.otherNanos());
    assertEquals(
        "cpu: broker=3.0s(38%) cassandra=1.0s(13%) other=1.0s(13%) idle=38%" + " wall=4.0s cores=2",
        r.line());
    CpuSplit.Result unknownMachine =
        new CpuSplit.Result(List.of(new CpuSplit.Share("broker", -1, -1)), 1_000_000_000L, 2, -1);
    assertEquals("cpu: broker=? wall=1.0s cores=2", unknownMachine.line());
    assertEquals(
        "{\"broker\":null,\"otherPercent\":null,\"wallSec\":1.00,\"cores\":2}",
        unknownMachine.json().toString());
  }

  @Test
  void theRatioIsDeliveredOverTheCeiling() {
    assertEquals(0.25, CassandraCeiling.ratio(500, 2000), 1e-12);
    assertEquals(0, CassandraCeiling.ratio(500, 0));
  }
}
