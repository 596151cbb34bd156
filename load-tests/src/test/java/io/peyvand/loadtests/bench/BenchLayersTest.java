package io.peyvand.loadtests.bench;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's package map (package-info of {@code io.peyvand.loadtests.bench}): the scenarios
 * ({@code direct}, {@code fanout}) use the ledger and the harness and never each other; the ledger
 * uses only the harness; the harness uses no other package of the benchmark.
 */
class BenchLayersTest {
  private static final JavaClasses BENCH =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.peyvand.loadtests.bench");

  @Test
  void scenariosUseTheLedgerAndTheHarnessAndNeverEachOther() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("entry")
        .definedBy("io.peyvand.loadtests.bench")
        .layer("direct")
        .definedBy("io.peyvand.loadtests.bench.direct..")
        .layer("fanout")
        .definedBy("io.peyvand.loadtests.bench.fanout..")
        .layer("ledger")
        .definedBy("io.peyvand.loadtests.bench.ledger..")
        .layer("harness")
        .definedBy("io.peyvand.loadtests.bench.harness..")
        .whereLayer("entry")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("direct")
        .mayOnlyBeAccessedByLayers("entry")
        .whereLayer("fanout")
        .mayOnlyBeAccessedByLayers("entry")
        .whereLayer("ledger")
        .mayOnlyBeAccessedByLayers("entry", "direct", "fanout")
        .whereLayer("harness")
        .mayOnlyBeAccessedByLayers("entry", "direct", "fanout", "ledger")
        .check(BENCH);
  }

  @Test
  void noPackagesFormACycle() {
    slices().matching("io.peyvand.loadtests.bench.(*)..").should().beFreeOfCycles().check(BENCH);
  }
}
