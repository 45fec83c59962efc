package io.streamreplay;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The library's layers, as docs/architecture.md draws them: the event loop at the bottom; streams on it; JSON-RPC
 * on streams; the control socket on JSON-RPC; injected faults on streams, below record and replay; record and
 * replay beside JSON-RPC, on streams and the loop, so that no transport and no protocol knows about recording.
 * Nothing depends on a layer above it, and no package cycle.
 */
class ArchitectureTest {

    private static final JavaClasses LIBRARY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.streamreplay");

    @Test
    void eachLayerDependsOnlyOnTheLayersBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("poll").definedBy("io.streamreplay.poll..")
                .layer("process").definedBy("io.streamreplay.process..")
                .layer("stream").definedBy("io.streamreplay.stream..")
                .layer("fault").definedBy("io.streamreplay.fault..")
                .layer("jsonrpc").definedBy("io.streamreplay.jsonrpc..")
                .layer("control").definedBy("io.streamreplay.control..")
                .layer("replay").definedBy("io.streamreplay.replay..")
                .layer("status").definedBy("io.streamreplay.status..")
                .layer("cli").definedBy("io.streamreplay.cli..")
                .whereLayer("control").mayNotBeAccessedByAnyLayer()
                .whereLayer("jsonrpc").mayOnlyBeAccessedByLayers("control")
                .whereLayer("replay").mayNotBeAccessedByAnyLayer()
                .whereLayer("fault").mayOnlyBeAccessedByLayers("control", "replay")
                .whereLayer("stream").mayOnlyBeAccessedByLayers("fault", "jsonrpc", "control", "replay")
                .whereLayer("poll").mayOnlyBeAccessedByLayers("stream", "fault", "jsonrpc", "control", "replay")
                .whereLayer("process").mayOnlyBeAccessedByLayers("replay")
                .whereLayer("status").mayNotBeAccessedByAnyLayer()
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .check(LIBRARY);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.streamreplay.(*)..").should().beFreeOfCycles().check(LIBRARY);
    }
}
