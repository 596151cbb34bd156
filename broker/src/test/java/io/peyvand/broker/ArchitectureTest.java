package io.peyvand.broker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package map of broker/ARCHITECTURE.md, checked on the compiled main classes: every arrow
 * points down, and no packages depend on each other in a cycle. A class that imports a package
 * above its own fails here, naming the offending dependency.
 */
class ArchitectureTest {
  private static final JavaClasses BROKER =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.peyvand.broker");

  @Test
  void everyDependencyPointsDown() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("wiring")
        .definedBy("io.peyvand.broker")
        .layer("conformance kit")
        .definedBy("io.peyvand.broker.conformance..")
        .layer("edges")
        .definedBy("io.peyvand.broker.ingress..")
        .layer("sessions")
        .definedBy("io.peyvand.broker.session..")
        .layer("service")
        .definedBy("io.peyvand.broker.service..")
        .layer("stored forms")
        .definedBy("io.peyvand.broker.serialization..")
        .layer("entities")
        .definedBy(
            "io.peyvand.broker.mailbox..",
            "io.peyvand.broker.group..",
            "io.peyvand.broker.platform..",
            "io.peyvand.broker.directory..",
            "io.peyvand.broker.calls..",
            "io.peyvand.broker.audit..",
            "io.peyvand.broker.keys..")
        .layer("delivery")
        .definedBy("io.peyvand.broker.delivery..")
        .layer("observability")
        .definedBy("io.peyvand.broker.observability..")
        .layer("tls")
        .definedBy("io.peyvand.broker.tls..")
        .layer("pki")
        .definedBy("io.peyvand.broker.pki..")
        .layer("foundation")
        .definedBy(
            "io.peyvand.broker.model..", "io.peyvand.broker.entity..", "io.peyvand.broker.config..")
        .whereLayer("wiring")
        .mayOnlyBeAccessedByLayers("conformance kit")
        .whereLayer("conformance kit")
        .mayOnlyBeAccessedByLayers("wiring")
        .whereLayer("edges")
        .mayOnlyBeAccessedByLayers("wiring")
        .whereLayer("sessions")
        .mayOnlyBeAccessedByLayers("wiring", "edges", "conformance kit")
        .whereLayer("service")
        .mayOnlyBeAccessedByLayers("wiring", "edges", "sessions")
        .whereLayer("stored forms")
        .mayOnlyBeAccessedByLayers("wiring")
        .whereLayer("entities")
        .mayOnlyBeAccessedByLayers("wiring", "edges", "sessions", "service", "stored forms")
        .whereLayer("delivery")
        .mayOnlyBeAccessedByLayers(
            "wiring", "edges", "sessions", "service", "stored forms", "entities")
        .whereLayer("observability")
        .mayOnlyBeAccessedByLayers(
            "wiring", "edges", "sessions", "service", "stored forms", "entities", "delivery")
        .whereLayer("tls")
        .mayOnlyBeAccessedByLayers(
            "wiring",
            "edges",
            "sessions",
            "service",
            "stored forms",
            "entities",
            "delivery",
            "observability")
        .whereLayer("pki")
        .mayOnlyBeAccessedByLayers("wiring", "conformance kit")
        .check(BROKER);
  }

  @Test
  void noPackagesDependOnEachOtherInACycle() {
    slices().matching("io.peyvand.broker.(*)..").should().beFreeOfCycles().check(BROKER);
  }

  @Test
  void theEntitiesDoNotKnowEachOther() {
    String[] entities = {"mailbox", "group", "platform", "directory", "calls", "audit"};
    for (String entity : entities) {
      for (String other : entities) {
        if (!entity.equals(other)) {
          noClasses()
              .that()
              .resideInAPackage("io.peyvand.broker." + entity + "..")
              .should()
              .dependOnClassesThat()
              .resideInAPackage("io.peyvand.broker." + other + "..")
              .check(BROKER);
        }
      }
    }
  }
}
