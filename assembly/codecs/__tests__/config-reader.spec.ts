import { ConfigReader, isHeaderName } from "../config-reader";
import { JsonObject } from "../json/value";

function read(text: string, reader: ConfigReader): JsonObject {
  return reader.root(String.UTF8.encode(text));
}

describe("ConfigReader", () => {
  it("reads an empty configuration as an empty object", () => {
    const reader = new ConfigReader();
    expect(reader.root(new ArrayBuffer(0)).keys.length).toBe(0);
    expect(reader.ok).toBe(true);
  });

  it("refuses text that is not JSON, and JSON that is not an object, at the root", () => {
    const notJson = new ConfigReader();
    read("{", notJson);
    expect(notJson.error!.startsWith("/: expected JSON (")).toBe(true);
    const notObject = new ConfigReader();
    read("[1]", notObject);
    expect(notObject.error).toBe("/: expected an object, got an array");
  });

  it("reads typed fields, with the fallback for an absent one", () => {
    const reader = new ConfigReader();
    const root = read('{"name":"acme","on":false,"count":3,"mode":"deny","header":"x-tenant-id"}', reader);
    expect(reader.string(root, "name", "", "none")).toBe("acme");
    expect(reader.string(root, "absent", "", "none")).toBe("none");
    expect(reader.bool(root, "on", "", true)).toBe(false);
    expect(reader.integer(root, "count", "", 0, 1, 10)).toBe(3);
    expect(reader.oneOf(root, "mode", "", ["allow", "deny"], "allow")).toBe("deny");
    expect(reader.headerName(root, "header", "", "x")).toBe("x-tenant-id");
    expect(reader.ok).toBe(true);
  });

  it("names the first wrong field by its JSON Pointer and keeps only that one", () => {
    const reader = new ConfigReader();
    const root = read('{"rules":{"count":11,"on":"yes"}}', reader);
    const rules = reader.object(root, "rules", "")!;
    expect(reader.integer(rules, "count", "/rules", 5, 1, 10)).toBe(5);
    reader.bool(rules, "on", "/rules", false);
    expect(reader.error).toBe("/rules/count: expected an integer from 1 to 10");
  });

  it("says what each wrong type is", () => {
    const cases: string[][] = [
      ['{"a":1}', "string", "/a: expected a string, got a number"],
      ['{"a":"x"}', "bool", "/a: expected true or false, got a string"],
      ['{"a":1.5}', "integer", "/a: expected an integer, got a number"],
      ['{"a":[1,2,3]}', "array", "/a: expected at most 2 items"],
      ['{"a":[]}', "object", "/a: expected an object, got an array"],
      ['{"a":"Tenant"}', "headerName", '/a: expected a lower-case header name, got "Tenant"'],
      ['{"a":"x"}', "oneOf", '/a: expected one of b, c, got "x"'],
    ];
    for (let i = 0; i < cases.length; i++) {
      const reader = new ConfigReader();
      const root = read(cases[i][0], reader);
      const kind = cases[i][1];
      if (kind == "string") reader.string(root, "a", "", "");
      else if (kind == "bool") reader.bool(root, "a", "", false);
      else if (kind == "integer") reader.integer(root, "a", "", 0, 0, 10);
      else if (kind == "array") reader.array(root, "a", "", 2);
      else if (kind == "object") reader.object(root, "a", "");
      else if (kind == "headerName") reader.headerName(root, "a", "", "x");
      else reader.oneOf(root, "a", "", ["b", "c"], "b");
      expect(reader.error).toBe(cases[i][2], cases[i][0]);
    }
  });

  it("refuses unknown fields, naming the ones it knows", () => {
    const reader = new ConfigReader();
    const root = read('{"tenant":"x","tenat":"y"}', reader);
    reader.allowOnly(root, "", ["tenant"]);
    expect(reader.error).toBe("/tenat: unknown field (known: tenant)");
  });
});

describe("isHeaderName", () => {
  it("accepts lower-case RFC 9110 tokens up to 128 characters", () => {
    expect(isHeaderName("x-tenant-id")).toBe(true);
    expect(isHeaderName("x!#$%&'*+.^_`|~-1")).toBe(true);
    expect(isHeaderName("x".repeat(128))).toBe(true);
  });

  it("refuses empty, too long, upper-case and separators", () => {
    expect(isHeaderName("")).toBe(false);
    expect(isHeaderName("x".repeat(129))).toBe(false);
    expect(isHeaderName("X-Tenant")).toBe(false);
    expect(isHeaderName("x tenant")).toBe(false);
    expect(isHeaderName("x:tenant")).toBe(false);
  });
});
