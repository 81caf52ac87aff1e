import { CookieValue, findCookie } from "../cookies";

// The value of cookie `name` in a Cookie header, or null when it is not there.
function cookie(header: string, name: string): string | null {
  const out = new CookieValue();
  if (!findCookie(String.UTF8.encode(header), String.UTF8.encode(name), out)) return null;
  return String.UTF8.decodeUnsafe(out.start, <usize>out.length);
}

describe("findCookie", () => {
  it("finds a cookie wherever it stands in the header", () => {
    expect(cookie("cart=ams-1", "cart")).toBe("ams-1");
    expect(cookie("a=1; cart=ams-1; b=2", "cart")).toBe("ams-1");
    expect(cookie("a=1;cart=ams-1", "cart")).toBe("ams-1");
  });

  // Envoy's forEachCookie: only the spaces before a name go; a value keeps its spaces.
  it("drops the spaces before a name and the quotes of a quoted value, nothing else", () => {
    expect(cookie("a=1;  cart=ams-1; b=2", "cart")).toBe("ams-1");
    expect(cookie("a=1; cart= ams-1 ; b=2", "cart")).toBe(" ams-1 ");
    expect(cookie('cart="ams-1"', "cart")).toBe("ams-1");
    expect(cookie('cart= "ams-1"', "cart")).toBe(' "ams-1"');
  });

  it("keeps spaces before '=' in the name, so 'cart =' is not cart", () => {
    expect(cookie("cart =ams-1", "cart")).toBeNull();
    expect(cookie("a=1;  cart  =ams-1", "cart")).toBeNull();
    expect(cookie("cart =x; cart=ams-1", "cart")).toBe("ams-1");
  });

  it("splits at the first '=' and skips pieces without one", () => {
    expect(cookie("cart=a=b", "cart")).toBe("a=b");
    expect(cookie("cart; cart=ams-1", "cart")).toBe("ams-1");
    expect(cookie(";;cart=ams-1;", "cart")).toBe("ams-1");
  });

  it("gives the first of two cookies of the same name", () => {
    expect(cookie("cart=first; cart=second", "cart")).toBe("first");
  });

  it("does not match a name that only starts or ends like the wanted one", () => {
    expect(cookie("mycart=1; carts=2", "cart")).toBeNull();
    expect(cookie("cart", "cart")).toBeNull();
    expect(cookie("", "cart")).toBeNull();
  });

  it("finds an empty value as a cookie of length 0", () => {
    const out = new CookieValue();
    expect(findCookie(String.UTF8.encode("cart=; b=2"), String.UTF8.encode("cart"), out)).toBe(true);
    expect(out.length).toBe(0);
  });
});
