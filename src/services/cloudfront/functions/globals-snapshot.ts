/**
 * The globals of a function's context as they were before its code ran, put back after each
 * invocation (cloudfront.md §13.1: no state carries over between invocations). Covered: the global
 * object and every object one step from it (`Math`, `JSON`, the constructors) with its
 * `prototype` — own properties added, changed or deleted, and a changed prototype. Only code that
 * writes to globals pays for it (instrument.ts decides).
 *
 * Divergence from AWS: an object the code froze, sealed or made non-extensible stays so (V8 cannot
 * undo it), and objects deeper than one step plus `.prototype` are not restored.
 */
export interface GlobalsSnapshot {
  restore(): void;
}

interface Saved {
  obj: object;
  proto: object | null;
  keys: (string | symbol)[];
  keySet: Set<string | symbol>;
  descriptors: PropertyDescriptor[];
}

const isObjectLike = (v: unknown): v is object => (typeof v === "object" && v !== null) || typeof v === "function";

function save(obj: object): Saved {
  const keys = Reflect.ownKeys(obj);
  return { obj, proto: Reflect.getPrototypeOf(obj), keys, keySet: new Set(keys), descriptors: keys.map((k) => Reflect.getOwnPropertyDescriptor(obj, k)!) };
}

function same(a: PropertyDescriptor, b: PropertyDescriptor | undefined): boolean {
  return (
    b !== undefined &&
    a.value === b.value &&
    a.get === b.get &&
    a.set === b.set &&
    a.writable === b.writable &&
    a.enumerable === b.enumerable &&
    a.configurable === b.configurable
  );
}

export function snapshotGlobals(global: object): GlobalsSnapshot {
  const objects = new Set<object>([global]);
  for (const key of Reflect.ownKeys(global)) {
    const v = Reflect.getOwnPropertyDescriptor(global, key)?.value as unknown;
    if (!isObjectLike(v)) continue;
    objects.add(v);
    const proto = typeof v === "function" ? (Reflect.getOwnPropertyDescriptor(v, "prototype")?.value as unknown) : undefined;
    if (isObjectLike(proto)) objects.add(proto);
  }
  const saved = [...objects].map(save);
  return {
    restore() {
      for (const s of saved) {
        const now = Reflect.ownKeys(s.obj);
        for (const k of now) if (!s.keySet.has(k)) Reflect.deleteProperty(s.obj, k);
        for (let i = 0; i < s.keys.length; i++) {
          const k = s.keys[i]!;
          if (!same(s.descriptors[i]!, Reflect.getOwnPropertyDescriptor(s.obj, k))) Reflect.defineProperty(s.obj, k, s.descriptors[i]!);
        }
        if (Reflect.getPrototypeOf(s.obj) !== s.proto) Reflect.setPrototypeOf(s.obj, s.proto);
      }
    },
  };
}
