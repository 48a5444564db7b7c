import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type forgeModule from "node-forge";

// node-forge is only needed to issue certificates; a warm start with cached ones never loads it
// (it is the largest module in the process, see bench/edge.ts idle RSS).
let forgeLoaded: typeof forgeModule | undefined;
async function loadForge(): Promise<typeof forgeModule> {
  return (forgeLoaded ??= (await import("node-forge")).default);
}

/**
 * A certificate authority made once per state dir, and a leaf certificate for every served host.
 * The CA key never leaves the state dir; the leaf is re-issued (and cached) when the host list
 * changes. One leaf key is reused, so a browser can pin it with --ignore-certificate-errors-spki-list.
 */
export interface LocalCa {
  caPem: string;
  caPath: string;
  keyPem: string;
  certPem: string;
  /** base64 SHA-256 of the leaf's SubjectPublicKeyInfo. */
  spkiHash: string;
}

const CA_NAME = "edgeparity local CA";

export async function loadLocalCa(stateDir: string, hosts: readonly string[], now: Date): Promise<LocalCa> {
  const dir = join(stateDir, "ca");
  await mkdir(dir, { recursive: true });
  const caPath = join(dir, "ca.pem");
  const ca = await readOrCreate(dir, now);
  const leafKeyPem = await readOrMake(join(dir, "leaf-key.pem"), () => rsaKeyPem());
  const sorted = [...new Set(hosts.map((h) => h.toLowerCase()))].sort();
  const tag = createHash("sha256").update(sorted.join("\n")).update(ca.certPem).digest("hex").slice(0, 16);
  const leafPath = join(dir, `leaf-${tag}.pem`);
  const certPem = await readOrMake(leafPath, () => issueLeaf(ca, leafKeyPem, sorted, now));
  const spkiDer = createPublicKey(leafKeyPem).export({ type: "spki", format: "der" });
  const spkiHash = createHash("sha256").update(spkiDer).digest("base64");
  return { caPem: ca.certPem, caPath, keyPem: leafKeyPem, certPem: certPem + ca.certPem, spkiHash };
}

interface CaFiles {
  certPem: string;
  keyPem: string;
}

async function readOrCreate(dir: string, now: Date): Promise<CaFiles> {
  const certPath = join(dir, "ca.pem");
  const keyPath = join(dir, "ca-key.pem");
  try {
    return { certPem: await readFile(certPath, "utf8"), keyPem: await readFile(keyPath, "utf8") };
  } catch {
    const forge = await loadForge();
    const keyPem = rsaKeyPem();
    const key = forge.pki.privateKeyFromPem(keyPem);
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
    cert.serialNumber = serial();
    cert.validity.notBefore = new Date(now.getTime() - 86400_000);
    cert.validity.notAfter = new Date(now.getTime() + 10 * 365 * 86400_000);
    const attrs = [
      { name: "commonName", value: CA_NAME },
      { name: "organizationName", value: "edgeparity" },
    ];
    cert.setSubject(attrs);
    cert.setIssuer(attrs);
    cert.setExtensions([
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
      { name: "subjectKeyIdentifier" },
    ]);
    cert.sign(key, forge.md.sha256.create());
    const certPem = forge.pki.certificateToPem(cert);
    await writeFile(keyPath, keyPem, { mode: 0o600 });
    await writeFile(certPath, certPem);
    return { certPem, keyPem };
  }
}

async function issueLeaf(ca: CaFiles, leafKeyPem: string, hosts: string[], now: Date): Promise<string> {
  const forge = await loadForge();
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const leafKey = forge.pki.privateKeyFromPem(leafKeyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(leafKey.n, leafKey.e);
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(now.getTime() - 86400_000);
  // Browsers refuse leaf certificates valid for more than 398 days.
  cert.validity.notAfter = new Date(now.getTime() + 397 * 86400_000);
  cert.setSubject([{ name: "commonName", value: hosts[0] ?? "localhost" }]);
  cert.setIssuer(caCert.subject.attributes);
  const altNames = hosts.map((h) => (/^[\d.]+$/.test(h) ? { type: 7, ip: h } : h.includes(":") ? { type: 7, ip: h } : { type: 2, value: h }));
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

function rsaKeyPem(): string {
  return generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
}

function serial(): string {
  // Positive serial: clear the top bit.
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString("hex");
}

async function readOrMake(path: string, make: () => string | Promise<string>): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch {
    const v = await make();
    await writeFile(path, v, { mode: 0o600 });
    return v;
  }
}
