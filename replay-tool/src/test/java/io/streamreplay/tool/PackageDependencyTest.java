package io.streamreplay.tool;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** No two of replay-tool's packages reach each other by any path. */
@AnalyzeClasses(packages = "io.streamreplay.tool", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageDependencyTest {

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.streamreplay.(**)").should().beFreeOfCycles();
}
