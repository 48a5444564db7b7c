import { escapeXml } from "../../core/query-protocol.js";

/**
 * EC2's response XML (API 2016-11-15): `<ActionResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">`
 * holding `<requestId>` and the output's members by their locationName (`vpcSet`, `groupId`) with
 * no `<ActionResult>` wrapper; list items are `<item>`. Keys of `XmlNode` are those locationNames.
 */
export type XmlNode = string | number | boolean | null | undefined | XmlNode[] | { [locationName: string]: XmlNode };

export const EC2_XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/";

export function toEc2Xml(value: XmlNode): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map((v) => `<item>${toEc2Xml(v)}</item>`).join("");
  if (typeof value === "object") {
    let out = "";
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out += `<${k}>${toEc2Xml(v)}</${k}>`;
    return out;
  }
  return escapeXml(String(value));
}

export function ec2Response(action: string, result: { [locationName: string]: XmlNode }, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_XMLNS}"><requestId>${requestId}</requestId>${toEc2Xml(result)}</${action}Response>`;
}
