package io.streamreplay.dbserver;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The server's packages depend on each other in one direction: {@code protocol} is a leaf every layer may use,
 * the root package (the program's command line, logging and pid file) only uses the others, and no two packages
 * reach each other by any path.
 */
@AnalyzeClasses(packages = "io.streamreplay.dbserver", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageDependencyTest {

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.streamreplay.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule nothingDependsOnTheProgram = noClasses().that()
            .resideOutsideOfPackage("io.streamreplay.dbserver").should().dependOnClassesThat()
            .resideInAPackage("io.streamreplay.dbserver");

    @ArchTest
    static final ArchRule theProtocolVocabularyIsALeaf = noClasses().that()
            .resideInAPackage("io.streamreplay.dbserver.protocol").should()
            .dependOnClassesThat(resideInAPackage("io.streamreplay.dbserver..")
                    .and(not(resideInAPackage("io.streamreplay.dbserver.protocol"))));
}
