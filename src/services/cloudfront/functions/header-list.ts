import { indexNames, searchInPlace } from "./named-slots.js";

/**
 * Header names → their values, in the order a function gave them: the few Map methods the edit
 * rules use, over one flat list. Most functions change one or two headers per request, and a Map
 * cost ~200 bytes and a hash per use on every invocation; a long list is looked up through an
 * index (named-slots.ts), so a response with many headers stays linear.
 */
export class HeaderList {
  #flat: (string | string[])[] = EMPTY;
  #index: Map<string, number> | undefined;

  get size(): number {
    return this.#flat.length / 2;
  }

  nameAt(i: number): string {
    return this.#flat[2 * i] as string;
  }

  valuesAt(i: number): string[] {
    return this.#flat[2 * i + 1] as string[];
  }

  has(name: string): boolean {
    return this.#find(name) !== -1;
  }

  get(name: string): string[] | undefined {
    const i = this.#find(name);
    return i === -1 ? undefined : this.valuesAt(i);
  }

  set(name: string, values: string[]): this {
    const i = this.#find(name);
    if (i !== -1) this.#flat[2 * i + 1] = values;
    else {
      this.#index?.set(name, this.size);
      // The first name makes a list of exactly its two slots (a push into an empty list reserves 17).
      if (this.#flat === EMPTY) this.#flat = [name, values];
      else this.#flat.push(name, values);
    }
    return this;
  }

  *keys(): IterableIterator<string> {
    for (let i = 0; i < this.size; i++) yield this.nameAt(i);
  }

  *[Symbol.iterator](): IterableIterator<[string, string[]]> {
    for (let i = 0; i < this.size; i++) yield [this.nameAt(i), this.valuesAt(i)];
  }

  #find(name: string): number {
    const at = searchInPlace(this.#flat, 2, name);
    if (at !== undefined) return at;
    return (this.#index ??= indexNames(this.#flat, 2)).get(name) ?? -1;
  }
}

const EMPTY: (string | string[])[] = Object.freeze([]) as unknown as (string | string[])[];
