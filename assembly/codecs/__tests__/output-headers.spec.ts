import { forbiddenOutputHeader } from "../output-headers";

describe("forbiddenOutputHeader", () => {
  it("allows a plain lower-case routing header", () => {
    expect(forbiddenOutputHeader("x-tenant-id")).toBeNull();
    expect(forbiddenOutputHeader("x_cart.dc-2")).toBeNull();
  });

  it("refuses pseudo-headers, proxy-* and the headers Envoy or the verifier owns", () => {
    expect(forbiddenOutputHeader(":authority")).toBe("is a pseudo-header");
    expect(forbiddenOutputHeader("proxy-status")).toBe("is a proxy-* header");
    expect(forbiddenOutputHeader("host")).toBe("is a header Envoy or the verifier owns");
    expect(forbiddenOutputHeader("authorization")).toBe("is a header Envoy or the verifier owns");
    expect(forbiddenOutputHeader("content-length")).toBe("is a header Envoy or the verifier owns");
    expect(forbiddenOutputHeader("transfer-encoding")).toBe("is a header Envoy or the verifier owns");
  });

  it("refuses an empty name and characters outside a-z, 0-9, '-', '_', '.'", () => {
    expect(forbiddenOutputHeader("")).toBe("is empty");
    expect(forbiddenOutputHeader("X-Tenant")).not.toBeNull();
    expect(forbiddenOutputHeader("x tenant")).not.toBeNull();
    expect(forbiddenOutputHeader("x~tenant")).not.toBeNull();
  });
});
