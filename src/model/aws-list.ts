import { z } from "zod";

/**
 * AWS's XML-derived list wrapper `{ Quantity, Items }`. Quantity may be left out in our YAML (it is
 * derivable); when given it must equal the number of Items, as the CloudFront API insists.
 */
export function awsList<T extends z.ZodTypeAny>(item: T) {
  return z
    .object({ Quantity: z.number().int().min(0).optional(), Items: z.array(item).optional() })
    .strict()
    .superRefine((v, ctx) => {
      const n = v.Items?.length ?? 0;
      if (v.Quantity !== undefined && v.Quantity !== n) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["Quantity"],
          message: `Quantity is ${v.Quantity} but Items has ${n} element(s); they must match`,
        });
      }
    });
}

export function listItems<T>(list: { Items?: T[] | undefined } | undefined): T[] {
  return list?.Items ?? [];
}
