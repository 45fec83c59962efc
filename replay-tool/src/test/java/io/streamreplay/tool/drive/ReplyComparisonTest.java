package io.streamreplay.tool.drive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.tool.drive.ReplyComparison.Difference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Live replies compared with recorded ones after normalisation: UUIDs paired by first appearance, rows and OVSDB
 * sets in any order, volatile members and ids left out; and a request naming a recorded UUID rewritten.
 */
class ReplyComparisonTest {

    private static final String A = "0f923f3e-b21d-4103-9271-e498808f0b0f";
    private static final String B = "87d855f4-31bb-4d66-b34f-bfc53452e0d9";
    private static final String C = "09af74e5-a390-40af-9b7e-44f09b67e41f";
    private static final String X = "11111111-2222-4333-8444-555555555555";
    private static final String Y = "66666666-7777-4888-9999-aaaaaaaaaaaa";
    private static final String Z = "bbbbbbbb-cccc-4ddd-8eee-ffffffffffff";

    private final UuidMap uuids = new UuidMap();
    private final ReplyComparison comparison = new ReplyComparison(uuids, Set.of("cid"), true);

    private static JsonNode json(String text) throws IOException {
        return Json.parse(text.replace('\'', '"'));
    }

    @Test
    void aUuidTheTargetMadeStandsForTheRecordedOneInItsPlaceFromThenOn() throws Exception {
        assertNull(comparison.compare(json("{'id':4,'result':[{'uuid':['uuid','" + A + "']},{'count':1}]}"),
                json("{'id':4,'result':[{'uuid':['uuid','" + X + "']},{'count':1}]}")));
        assertEquals(X, uuids.live(A));
        Difference difference = comparison.compare(json("{'id':5,'result':[{'uuid':['uuid','" + A + "']}]}"),
                json("{'id':5,'result':[{'uuid':['uuid','" + Y + "']}]}"));
        assertNotNull(difference, "the recorded UUID is paired with another live one already");
        assertEquals("$.result[0].uuid[1]", difference.path());
    }

    @Test
    void rowsKeyedByUuidAreMatchedByContentInAnyOrder() throws Exception {
        JsonNode recorded = json("{'id':3,'result':{'Bridge':{'" + A + "':{'initial':{'name':'br0','ports':['uuid','"
                + C + "']}},'" + B + "':{'initial':{'name':'br1','ports':['set',[]]}}}},'error':null}");
        JsonNode live = json("{'id':3,'result':{'Bridge':{'" + Y + "':{'initial':{'name':'br1','ports':['set',[]]}},"
                + "'" + X + "':{'initial':{'name':'br0','ports':['uuid','" + Z + "']}}}},'error':null}");
        assertNull(comparison.compare(recorded, live));
        assertEquals(X, uuids.live(A));
        assertEquals(Y, uuids.live(B));
        assertEquals(Z, uuids.live(C), "a UUID inside a matched row is paired too");
    }

    @Test
    void theElementsOfAnOvsdbSetOrMapMayComeInAnyOrder() throws Exception {
        assertNull(comparison.compare(
                json("{'result':['set',[['uuid','" + A + "'],['uuid','" + B + "'],'x']]}"),
                json("{'result':['set',['x',['uuid','" + Y + "'],['uuid','" + X + "']]]}")));
        assertNotNull(comparison.compare(json("{'result':[1,2]}"), json("{'result':[2,1]}")),
                "other arrays keep their order");
        assertNotNull(comparison.compare(json("{'result':['set',[1,2]]}"), json("{'result':['set',[1,3]]}")));
    }

    @Test
    void volatileMembersAndTheIdAreNotCompared() throws Exception {
        assertNull(comparison.compare(json("{'id':1,'result':{'cid':'a','name':'n'}}"),
                json("{'id':'other','result':{'cid':'b','name':'n'}}")));
        Difference difference = comparison.compare(json("{'id':1,'result':{'cid':'a','name':'n'}}"),
                json("{'id':1,'result':{'cid':'a','name':'m'}}"));
        assertEquals("$.result.name", difference.path());
        assertEquals("n", difference.expected().asText());
        assertEquals("m", difference.actual().asText());
    }

    @Test
    void membersThatDifferAreReportedWithBothObjects() throws Exception {
        Difference difference = comparison.compare(json("{'result':[{'rows':[{'name':'a','value':1}]}]}"),
                json("{'result':[{'rows':[{'name':'a'}]}]}"));
        assertEquals("$.result[0].rows[0]", difference.path());
        assertEquals(json("{'name':'a','value':1}"), difference.expected());
        assertEquals(json("{'name':'a'}"), difference.actual());
    }

    @Test
    void withoutNormalisationTheTargetsUuidsAreDifferences() throws Exception {
        ReplyComparison exact = new ReplyComparison(uuids, Set.of(), false);
        Difference difference = exact.compare(json("{'id':4,'result':[{'uuid':['uuid','" + A + "']}]}"),
                json("{'id':4,'result':[{'uuid':['uuid','" + X + "']}]}"));
        assertEquals("$.result[0].uuid[1]", difference.path());
        assertEquals(X, uuids.live(A), "the UUIDs are still paired, for rewriting requests");
        assertNull(exact.compare(json("{'result':{'a':1,'b':2}}"), json("{'result':{'b':2,'a':1}}")),
                "member order is not a difference");
    }

    @Test
    void requestsNamingARecordedUuidAreRewrittenToTheTargetsSameLengthUuid() {
        uuids.bind(A, X);
        byte[] request = ("{\"id\":5,\"method\":\"transact\",\"params\":[\"db\",{\"where\":[[\"_uuid\",\"==\","
                + "[\"uuid\",\"" + A + "\"]]],\"op\":\"delete\",\"table\":\"T\",\"uuid-name\":\"" + B + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] rewritten = uuids.rewrite(request);
        assertArrayEquals(new String(request, StandardCharsets.UTF_8).replace(A, X).getBytes(StandardCharsets.UTF_8),
                rewritten, "only the paired UUID changes");
        byte[] unpaired = "{\"params\":[\"abc\"]}".getBytes(StandardCharsets.UTF_8);
        assertEquals(unpaired, uuids.rewrite(unpaired), "nothing to rewrite: the same bytes");
    }

    @Test
    void aTrialPairingIsUndoneWhenTheRowDoesNotMatch() {
        int mark = uuids.mark();
        uuids.bind(A, X);
        uuids.bind(B, Y);
        uuids.rollback(mark);
        assertNull(uuids.live(A));
        assertEquals(true, uuids.bind(A, Y), "Y is free again");
    }
}
