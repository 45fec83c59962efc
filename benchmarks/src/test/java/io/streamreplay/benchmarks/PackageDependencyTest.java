package io.streamreplay.benchmarks;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.LocationProvider;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;

/**
 * No two of the benchmarks' packages reach each other by any path. The module's benchmarks of library classes
 * live in the library's package names, so its classes are found by where they were compiled to, not by package.
 */
@AnalyzeClasses(locations = PackageDependencyTest.OwnClasses.class,
        importOptions = ImportOption.DoNotIncludeTests.class)
class PackageDependencyTest {

    /** The directory (or jar) this module's main classes were compiled into. */
    static final class OwnClasses implements LocationProvider {
        @Override
        public Set<Location> get(Class<?> testClass) {
            return Set.of(Location.of(EndToEnd.class.getProtectionDomain().getCodeSource().getLocation()));
        }
    }

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.streamreplay.(**)").should().beFreeOfCycles();
}
