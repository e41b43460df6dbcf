// The browser's verifier: the Go verify package compiled to WebAssembly
// (/verify.wasm), loaded on first use. Trust is the chain's genesis:
// fetched from the node once and pinned in this browser (its SHA-256 is
// shown so a citizen can compare it with the one the departments publish),
// or a genesis file the user gives.
let ready = null;

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error("cannot load " + src));
    document.head.append(s);
  });
}

export function load() {
  if (ready) return ready;
  ready = (async () => {
    await loadScript("/wasm_exec.js");
    const go = new Go();
    const readyEvent = new Promise((res) => window.addEventListener("govchain-verifier-ready", res, { once: true }));
    const r = await fetch("/verify.wasm");
    if (!r.ok) throw new Error("cannot load the verifier: HTTP " + r.status);
    const { instance } = await WebAssembly.instantiateStreaming(r, go.importObject);
    go.run(instance);
    await readyEvent;
  })();
  ready.catch(() => { ready = null; });
  return ready;
}

async function sha256hex(text) {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}

let nodeGenesis = null;
export async function genesisText(given) {
  if (given) return given;
  if (!nodeGenesis) {
    const r = await fetch("/v1/genesis");
    if (!r.ok) throw new Error("cannot fetch the genesis: HTTP " + r.status);
    nodeGenesis = await r.text();
  }
  return nodeGenesis;
}

// genesisFingerprint returns the trusted genesis's SHA-256 and whether it
// differs from the one this browser pinned before.
export async function genesisFingerprint(given) {
  const fp = await sha256hex(await genesisText(given));
  if (given) return { fingerprint: fp, changed: false };
  const key = "govchain.genesis." + location.host;
  const previous = localStorage.getItem(key);
  if (!previous) localStorage.setItem(key, fp);
  return { fingerprint: fp, changed: !!previous && previous !== fp, previous };
}

// verifyFile checks a proof file: {ok, result} or {ok: false, error}.
export async function verifyFile(kind, text, genesis) {
  await load();
  const g = await genesisText(genesis);
  return JSON.parse(globalThis.govchainVerify(kind, text, g, "genesis"));
}

// detectKind names a proof file's kind from its members.
export function detectKind(text) {
  let v;
  try { v = JSON.parse(text); } catch (e) { throw new Error("not JSON: " + e.message); }
  if (v && typeof v === "object") {
    if ("from_anchor" in v) return "consistency";
    if ("tx" in v && "entry" in v) return "receipt";
    if ("index" in v && "entry" in v) return "log";
    if ("record" in v || "key" in v) return "state";
  }
  throw new Error("not a proof file (receipt, state proof, proven record, log or consistency proof)");
}
