import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from "node:crypto";
import { link, mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { createSecureContext, type SecureContext } from "node:tls";
import { systemClock, type Clock } from "../core/clock.js";
import { EdgeparityError } from "../core/errors.js";
import {
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  isIpAddress,
  issuerOf,
  keyIdentifier,
  keyUsageExtension,
  serverAuthExtension,
  signCertificate,
  subjectAltNameExtension,
  subjectKeyIdentifierExtension,
  x509Name,
} from "./x509-certificate.js";

/**
 * A certificate authority made once per user, and leaf certificates issued on demand for the
 * hosts a revision serves. Steps: open (read or atomically create the CA and the one leaf key) →
 * per name: ask the caller's `serves` predicate → reuse a cached or on-disk leaf still valid and
 * signed by this CA → else issue one → a SecureContext for the TLS server's SNICallback.
 *
 * Layout of the CA folder (shared by every state dir of the user, and by concurrent processes):
 *   ca-key.pem     CA key + CA certificate (mode 0600); created with link(), so the first writer wins
 *
 * Keys: a new CA and a new leaf key are ECDSA P-256 (made in well under a millisecond; RSA 2048
 * took 0.1–1 s each, most of a first start, issue 14). A folder an older edgeparity made holds
 * RSA keys: it is used as it is (users have trusted that CA), leaves are then signed with RSA.
 *   ca.pem         CA certificate alone, for `curl --cacert` / NODE_EXTRA_CA_CERTS / a trust store
 *   leaf-key.pem   the one leaf key (so Chromium can pin it: --ignore-certificate-errors-spki-list)
 *   hosts/*.pem    leaf certificates by name (`_wildcard.example.com.pem` for `*.example.com`)
 */
export interface LocalCa {
  dir: string;
  caPath: string;
  caPem: string;
  /** The leaf key every certificate of this CA carries. */
  keyPem: string;
  /** base64 SHA-256 of the leaf key's SubjectPublicKeyInfo (the same for every host). */
  spkiHash: string;
  /**
   * The TLS context for an SNI name, cached per certificate. Rejects with TLS_HOST_NOT_SERVED when
   * `serves` refuses the name, or when it is not a host name.
   */
  secureContextFor(servername: string): Promise<SecureContext>;
  /** The certificate (chain PEM, leaf first) a name is served with; same rules as secureContextFor. */
  certificateFor(servername: string): Promise<LeafCertificate>;
  /** One certificate for many names and IPs (the context for clients that send no SNI). Not checked against `serves`. */
  certificateForHosts(hosts: readonly string[]): Promise<LeafCertificate>;
}

export interface LeafCertificate {
  /** Names in the certificate's subjectAltName. */
  names: string[];
  keyPem: string;
  /** Leaf, then the CA. */
  certPem: string;
}

export interface LocalCaOptions {
  /** The CA folder; `defaultCaDir()` gives the per-user one. */
  dir: string;
  /**
   * Does the current revision serve this name? Asked for every SNI name, and for `*.<parent>`
   * before a wildcard certificate is issued for a name under it (true means every one-label name
   * under parent is served, as for a `*.example.com` alias). Called per new name, so it may read
   * mutable revision state.
   */
  serves: (name: string) => boolean;
  /** Certificates' notBefore/notAfter and the expiry check of cached ones. Default: system time. */
  clock?: Pick<Clock, "now">;
}

/** Leaf certificates are re-issued when less than this is left (they are issued for 397 days). */
const RENEW_BEFORE_MS = 30 * 86400_000;
const CA_NAME = "edgeparity local CA";
const HOST_NAME = /^(?:\*\.)?(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;

/**
 * The per-user CA folder: `$EDGEPARITY_CA_DIR`, else `$XDG_DATA_HOME/edgeparity/ca`, else
 * `~/.local/share/edgeparity/ca`. Per user, not per state dir, so a fresh state dir issues no CA
 * and a browser trusts one CA for every project.
 */
export function defaultCaDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (env.EDGEPARITY_CA_DIR) return env.EDGEPARITY_CA_DIR;
  const data = env.XDG_DATA_HOME || join(home, ".local", "share");
  return join(data, "edgeparity", "ca");
}

export async function openLocalCa(o: LocalCaOptions): Promise<LocalCa> {
  const clock = o.clock ?? systemClock;
  const dir = o.dir;
  await mkdir(join(dir, "hosts"), { recursive: true, mode: 0o700 });
  const [ca, keyPem] = await Promise.all([readOrCreateCa(dir, new Date(clock.now())), createOnce(join(dir, "leaf-key.pem"), newKeyPem)]);
  const caPath = join(dir, "ca.pem");
  await writeIfDifferent(caPath, ca.certPem, 0o644);
  const leafKey = createPrivateKey(keyPem);
  const spkiHash = createHash("sha256")
    .update(createPublicKey(leafKey).export({ type: "spki", format: "der" }))
    .digest("base64");
  const caX509 = new X509Certificate(ca.certPem);
  const issuer = { ...issuerOf(ca.certPem), key: createPrivateKey(ca.keyPem) };

  const certificates = new Map<string, Promise<LeafCertificate>>();
  const contexts = new Map<string, Promise<SecureContext>>();
  /** Reads a leaf from disk when it is still good for this CA and key, else issues and stores one. */
  const leaf = (file: string, names: string[]): Promise<LeafCertificate> => {
    const key = `${file}\n${names.join(",")}`;
    let p = certificates.get(key);
    if (!p) {
      p = (async () => {
        const path = join(dir, "hosts", file);
        const now = clock.now();
        let pem = await readFile(path, "utf8").catch(() => undefined);
        if (pem === undefined || !isUsable(pem, caX509, leafKey, names, now)) {
          pem = issueLeaf(issuer, leafKey, names, new Date(now));
          await writeAtomically(path, pem, 0o644);
        }
        return { names, keyPem, certPem: pem + ca.certPem };
      })();
      certificates.set(key, p);
      // A failed issuance is not cached: the next handshake tries again.
      p.catch(() => certificates.delete(key));
    }
    return p;
  };
  const certificateFor = (servername: string): Promise<LeafCertificate> => {
    const name = servername.toLowerCase().replace(/\.$/, "");
    // A name under a served wildcard takes the wildcard's certificate, so `*.example.com` is issued once.
    const certName = name.length > 253 || !HOST_NAME.test(name) ? undefined : (wildcardFor(name, o.serves) ?? (o.serves(name) ? name : undefined));
    // CloudFront drops a connection whose SNI name matches no distribution (Developer Guide,
    // "Choose how CloudFront serves HTTPS requests"); refusing the certificate does the same.
    if (certName === undefined) {
      return Promise.reject(new EdgeparityError("TLS_HOST_NOT_SERVED", `TLS: no certificate for '${servername}': this stack serves no such host`));
    }
    return leaf(`${certName.replace(/^\*\./, "_wildcard.")}.pem`, [certName]);
  };
  return {
    dir,
    caPath,
    caPem: ca.certPem,
    keyPem,
    spkiHash,
    certificateFor,
    secureContextFor(servername) {
      return certificateFor(servername).then((c) => {
        const id = c.names[0]!;
        let ctx = contexts.get(id);
        if (!ctx) {
          ctx = Promise.resolve(createSecureContext({ key: c.keyPem, cert: c.certPem }));
          contexts.set(id, ctx);
        }
        return ctx;
      });
    },
    certificateForHosts(hosts) {
      const names = [...new Set(hosts.map((h) => h.toLowerCase()))].sort();
      const tag = createHash("sha256").update(names.join("\n")).digest("hex").slice(0, 16);
      return leaf(`multi-${tag}.pem`, names);
    },
  };
}

/**
 * The CA and one multi-host certificate, as the gateway's default context and ELB listeners take
 * it. On system time even when the stack runs a manual clock: real TLS clients check validity
 * against the wall clock, and the CA folder is shared with other processes.
 */
export async function loadLocalCa(dir: string, hosts: readonly string[]): Promise<LocalCa & { certPem: string }> {
  const served = new Set(hosts.map((h) => h.toLowerCase()));
  const ca = await openLocalCa({ dir, serves: (h) => served.has(h) });
  const { certPem } = await ca.certificateForHosts(hosts);
  return { ...ca, certPem };
}

/**
 * `*.parent` when the caller serves every one-label name under parent. Only for a parent of two
 * labels or more: clients refuse wildcards that span a top-level label (`*.localhost`), RFC 6125 §7.2.
 */
function wildcardFor(name: string, serves: (name: string) => boolean): string | undefined {
  if (name.startsWith("*.")) return serves(name) ? name : undefined;
  const dot = name.indexOf(".");
  const parent = name.slice(dot + 1);
  if (dot < 0 || !parent.includes(".")) return undefined;
  return serves(`*.${parent}`) ? `*.${parent}` : undefined;
}

function isUsable(pem: string, ca: X509Certificate, leafKey: ReturnType<typeof createPrivateKey>, names: string[], now: number): boolean {
  try {
    const x = new X509Certificate(pem);
    if (!x.checkIssued(ca) || !x.verify(ca.publicKey) || !x.checkPrivateKey(leafKey)) return false;
    if (Date.parse(x.validTo) - now < RENEW_BEFORE_MS || Date.parse(x.validFrom) > now) return false;
    const san = x.subjectAltName ?? "";
    return names.every((n) => san.includes(isIpAddress(n) ? `IP Address:${ipForSan(n)}` : `DNS:${n}`));
  } catch {
    return false;
  }
}

/** Node prints IPv6 SAN entries expanded and upper-case (`0:0:0:0:0:0:0:1`); compare in that form. */
function ipForSan(ip: string): string {
  if (!ip.includes(":")) return ip;
  const [head = "", tail = ""] = ip.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t] : h;
  return groups.map((g) => g.replace(/^0+(?=.)/, "").toUpperCase()).join(":");
}

interface CaFiles {
  certPem: string;
  keyPem: string;
}

/** Any private key PEM: PKCS#8 (new CAs, EC), PKCS#1 (`RSA PRIVATE KEY`, older ones), SEC1. */
const KEY_PEM = /-----BEGIN ((?:RSA |EC )?PRIVATE KEY)-----[\s\S]+?-----END \1-----\n?/;

async function readOrCreateCa(dir: string, now: Date): Promise<CaFiles> {
  const bundle = await createOnce(join(dir, "ca-key.pem"), () => {
    const keyPem = newKeyPem();
    return keyPem + issueCa(createPrivateKey(keyPem), now);
  });
  const certPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(bundle)?.[0];
  const keyPem = KEY_PEM.exec(bundle)?.[0];
  if (!certPem || !keyPem) {
    throw new EdgeparityError("FILE_NOT_FOUND", `${join(dir, "ca-key.pem")} holds no CA key and certificate; delete the folder ${dir} to make a new CA`);
  }
  return { certPem: certPem.endsWith("\n") ? certPem : `${certPem}\n`, keyPem };
}

function issueCa(key: KeyObject, now: Date): string {
  const name = x509Name([{ commonName: CA_NAME }, { organizationName: "edgeparity" }]);
  const spki = createPublicKey(key).export({ type: "spki", format: "der" });
  return signCertificate(
    {
      serial: serial(),
      issuer: name,
      subject: name,
      notBefore: new Date(now.getTime() - 86400_000),
      notAfter: new Date(now.getTime() + 10 * 365 * 86400_000),
      subjectPublicKeyInfo: spki,
      extensions: [basicConstraintsExtension(true, true), keyUsageExtension([5, 6]), subjectKeyIdentifierExtension(keyIdentifier(spki))],
    },
    key,
  );
}

function issueLeaf(ca: { subject: Buffer; keyId: Buffer; key: KeyObject }, leafKey: KeyObject, hosts: readonly string[], now: Date): string {
  const spki = createPublicKey(leafKey).export({ type: "spki", format: "der" });
  return signCertificate(
    {
      serial: serial(),
      issuer: ca.subject,
      subject: x509Name([{ commonName: hosts[0] ?? "localhost" }]),
      notBefore: new Date(now.getTime() - 86400_000),
      // Browsers refuse leaf certificates valid for more than 398 days.
      notAfter: new Date(now.getTime() + 397 * 86400_000),
      subjectPublicKeyInfo: spki,
      extensions: [
        basicConstraintsExtension(false, false),
        // keyEncipherment only for RSA keys (RSA key transport); an EC key signs only (RFC 5480 §3).
        keyUsageExtension(leafKey.asymmetricKeyType === "rsa" ? [0, 2] : [0]),
        serverAuthExtension(),
        subjectAltNameExtension(hosts),
        subjectKeyIdentifierExtension(keyIdentifier(spki)),
        authorityKeyIdentifierExtension(ca.keyId),
      ],
    },
    ca.key,
  );
}

/** A new key: ECDSA P-256, PKCS#8 PEM. */
function newKeyPem(): string {
  return generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

function serial(): Buffer {
  // Positive and 16 bytes long: top bit clear, next bit set (RFC 5280 §4.1.2.2: at most 20 octets).
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x3f) | 0x40;
  return b;
}

/**
 * Reads `path`, or makes it: written to a temp file, then link()ed into place, which fails when
 * another process got there first; then the winner's content is read. Never a half-written file.
 */
async function createOnce(path: string, make: () => string | Promise<string>): Promise<string> {
  const existing = await readFile(path, "utf8").catch(() => undefined);
  if (existing !== undefined) return existing;
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temp, await make(), { mode: 0o600 });
  try {
    await link(temp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  } finally {
    await unlink(temp).catch(() => {});
  }
  return readFile(path, "utf8");
}

async function writeAtomically(path: string, text: string, mode: number): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temp, text, { mode });
  await rename(temp, path);
}

async function writeIfDifferent(path: string, text: string, mode: number): Promise<void> {
  if ((await readFile(path, "utf8").catch(() => undefined)) !== text) await writeAtomically(path, text, mode);
}
