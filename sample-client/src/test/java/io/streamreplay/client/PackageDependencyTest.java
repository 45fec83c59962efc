package io.streamreplay.client;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** No two of the client's packages reach each other by any path. */
@AnalyzeClasses(packages = "io.streamreplay.client", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageDependencyTest {

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.streamreplay.(**)").should().beFreeOfCycles();
}
