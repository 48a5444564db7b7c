import assert from "node:assert/strict";
import { test } from "node:test";
import { parseQueryParams, queryError, queryResponse } from "./query-protocol.js";

// The AWS Query protocol's flattening (ELBv2 API 2015-12-01 "Query requests"): lists as `.member.N`.
test("Query protocol: member lists become arrays in index order, nested structures objects", () => {
  const p = parseQueryParams(
    "Action=CreateRule&Priority=5&Conditions.member.1.Field=path-pattern&Conditions.member.1.Values.member.2=%2Fb&Conditions.member.1.Values.member.1=%2Fa" +
      "&Actions.member.1.Type=forward&Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn=arn1&Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight=3",
  );
  assert.deepEqual(p, {
    Action: "CreateRule",
    Priority: "5",
    Conditions: [{ Field: "path-pattern", Values: ["/a", "/b"] }],
    Actions: [{ Type: "forward", ForwardConfig: { TargetGroups: [{ TargetGroupArn: "arn1", Weight: "3" }] } }],
  });
});

test("Query protocol: responses wrap the result and the request id; lists render as <member>", () => {
  const xml = queryResponse("DescribeTags", "urn:x", { TagDescriptions: [{ ResourceArn: "a&b", Tags: [] }] }, "rid");
  assert.equal(
    xml,
    '<DescribeTagsResponse xmlns="urn:x"><DescribeTagsResult><TagDescriptions><member><ResourceArn>a&amp;b</ResourceArn><Tags></Tags></member></TagDescriptions></DescribeTagsResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></DescribeTagsResponse>',
  );
  assert.match(queryError("urn:x", "Sender", "RuleNotFound", "One or more rules not found", "rid"), /<Error><Type>Sender<\/Type><Code>RuleNotFound<\/Code>/);
});
