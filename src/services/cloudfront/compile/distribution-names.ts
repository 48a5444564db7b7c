import { stableId } from "../../../core/ids.js";

export interface DistributionNames {
  name: string;
  id: string;
  domain: string;
}

/** A distribution's id and local domain, stable per logical name (URLs survive restarts). */
export function distributionNames(name: string): DistributionNames {
  const id = stableId(`distribution:${name}`);
  return { name, id, domain: `d${id.slice(1).toLowerCase()}.cloudfront.localhost` };
}
