// The explorer and citizen portal: pages routed by location.hash, data
// from the node's public API, proofs checked in the browser by the Go
// verifier compiled to WebAssembly (verifier.js). No data is inserted as
// HTML: every text goes through textContent.
import { t, translate, lang, setLang } from "./i18n.js";
import { yuan, area, share, time, short } from "./fmt.js";
import { verifyFile, genesisFingerprint, detectKind } from "./verifier.js";
import { credentialPage } from "./credential.js";

const main = () => document.getElementById("main");

// h builds an element: h("a", {href: "#/"}, "text", child...).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

class HTTPError extends Error {
  constructor(status, detail) { super(detail || `HTTP ${status}`); this.status = status; }
}

export async function api(path, { text = false } = {}) {
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(path, { headers: { Accept: "application/json" } });
    if (r.status === 409 && attempt < 5) { // the signing header is not committed yet
      await new Promise((res) => setTimeout(res, 1000));
      continue;
    }
    if (!r.ok) {
      let detail = "";
      try { detail = (await r.json()).detail; } catch (e) { /* not a problem document */ }
      throw new HTTPError(r.status, detail);
    }
    return text ? r.text() : r.json();
  }
}

const fields = (pairs) => h("dl", { class: "fields" }, pairs.filter(Boolean).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v ?? "—")]));
const link = (href, text, cls) => h("a", { href, class: cls }, text);
const acctLink = (a) => (a ? link("#/account/" + a, a, "mono") : "—");
const table = (heads, rows) => h("div", { class: "table-wrap" }, h("table", {}, h("thead", {}, h("tr", {}, heads.map((x) => h("th", { scope: "col" }, x)))), h("tbody", {}, rows)));

function render(...nodes) {
  const m = main();
  m.replaceChildren(...nodes);
  m.querySelectorAll(".bar .fill").forEach((f) => { f.style.width = f.dataset.pct + "%"; });
  return m;
}

function fail(e, what) {
  if (e instanceof HTTPError && e.status === 404) return render(h("h1", {}, t("notfound", { what })), h("p", { class: "error" }, e.message));
  return render(h("p", { class: "error", role: "alert" }, t("error", { msg: e.message })));
}

// Departments by validator address, for "signed by which departments".
let deptByValidator = null;
async function validatorDepartments() {
  if (deptByValidator) return deptByValidator;
  const m = {};
  const page = await api("/v1/identity/departments?limit=1000");
  for (const d of page.items) {
    if (!d.validator || !d.validator.public_key) continue;
    const pk = Uint8Array.from(atob(d.validator.public_key), (c) => c.charCodeAt(0));
    const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", pk));
    const addr = Array.from(sum.slice(0, 20), (b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
    m[addr] = d.name || d.id;
  }
  deptByValidator = m;
  return m;
}

// A verify button and the box where its verdict appears. fetchProof
// returns [kind, text].
function verifyBox(label, fetchProof) {
  const out = h("div", { "aria-live": "polite" });
  const btn = h("button", { type: "button", class: "verify", onclick: async () => {
    btn.disabled = true;
    out.replaceChildren(h("p", { class: "muted" }, t("verify.loading")));
    try {
      const [kind, text] = await fetchProof();
      out.replaceChildren(h("p", { class: "muted" }, t("verify.checking")));
      out.replaceChildren(await verdict(kind, text));
    } catch (e) {
      out.replaceChildren(h("div", { class: "verdict bad", role: "alert" }, h("strong", {}, t("verify.bad")), h("p", {}, e.message)));
    } finally {
      btn.disabled = false;
    }
  } }, label);
  return h("section", { class: "verify-box" }, btn, out);
}

// verdict verifies a proof file against the trusted genesis and says
// what was proven, or what failed.
async function verdict(kind, text, genesis) {
  const res = await verifyFile(kind, text, genesis);
  const fp = await genesisFingerprint(genesis);
  const notes = [h("p", { class: "muted" }, t("verify.genesis", { fp: fp.fingerprint }))];
  if (fp.changed) notes.push(h("p", { class: "error" }, t("verify.genesisChanged", { fp: fp.previous })));
  if (!res.ok) {
    return h("div", { class: "verdict bad", role: "alert" }, h("strong", {}, t("verify.bad")), h("p", { class: "mono" }, res.error), ...notes);
  }
  const r = res.result, s = r.signed;
  const depts = await validatorDepartments().catch(() => ({}));
  const names = (s.signer_addresses || []).map((a) => depts[a] || a).join(", ");
  const when = s.state_time && !s.state_time.startsWith("0001") ? time(s.state_time) : "—";
  return h("div", { class: "verdict ok", role: "status" },
    h("strong", {}, "✓ " + t("verify.ok")),
    h("p", {}, r.summary),
    h("p", {}, t("verify.height", { h: r.height, t: when })),
    h("p", {}, t("verify.signed", { n: s.signers, m: s.validators, p: s.power, q: s.total_power, depts: names })),
    ...notes);
}

// ---- pages ----

async function home() {
  const [st, depts, latest] = await Promise.all([api("/v1/status"), api("/v1/identity/departments?limit=1000"), api("/v1/blocks/latest").catch(() => null)]);
  const vdept = await validatorDepartments().catch(() => ({}));
  const feed = h("ul", { class: "feed", "aria-live": "polite" }, h("li", { class: "muted" }, t("feed.waiting")));
  const blocksBody = h("tbody");
  render(
    h("h1", {}, t("status.title")),
    h("div", { class: "grid" },
      card(t("status.chain"), st.chain_id), card(t("status.height"), link("#/block/" + st.latest_height, st.latest_height)),
      card(t("status.time"), time(st.latest_time)), card(t("status.health"), st.healthy ? t("status.yes") : t("status.no", { reason: st.stalled_reason || "" })),
      card(t("status.validators"), st.validators), card(t("status.log"), st.log_size), card(t("status.mempool"), st.mempool_size)),
    h("h2", {}, t("depts.title")),
    table([t("depts.id"), t("depts.name"), t("depts.validator")], depts.items.map((d) => h("tr", {}, h("td", { class: "mono" }, d.id), h("td", {}, d.name),
      h("td", {}, d.validator && d.validator.power ? t("depts.power", { p: d.validator.power }) : "—")))),
    h("h2", {}, t("blocks.title")),
    h("div", { class: "table-wrap" }, h("table", {}, h("thead", {}, h("tr", {}, [t("blocks.height"), t("blocks.time"), t("blocks.txs"), t("blocks.proposer")].map((x) => h("th", { scope: "col" }, x)))), blocksBody)),
    h("h2", {}, t("feed.title")), feed);
  if (latest) {
    const rows = [latest];
    for (let i = 1; i < 10 && latest.height - i >= 1; i++) rows.push(await api("/v1/blocks/" + (latest.height - i)).catch(() => null));
    blocksBody.replaceChildren(...rows.filter(Boolean).map((b) => h("tr", {}, h("td", {}, link("#/block/" + b.height, b.height)), h("td", {}, time(b.time)), h("td", {}, b.num_txs),
      h("td", {}, vdept[b.proposer_address.toUpperCase()] || short(b.proposer_address)))));
  }
  live(feed, st.latest_height + 1);
}

function card(k, v) { return h("div", { class: "card" }, h("div", { class: "k" }, k), h("div", { class: "v" }, v)); }

let socket = null;
function live(list, from) {
  if (socket) socket.close();
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(`${proto}//${location.host}/v1/events?from_height=${from}`);
  let first = true;
  socket.onmessage = (ev) => {
    const m = JSON.parse(ev.data);
    if (m.type !== "tx") return;
    if (first) { list.replaceChildren(); first = false; }
    const what = (m.msg_types || []).join(", ") || "tx";
    list.prepend(h("li", {}, link("#/tx/" + m.tx_hash, t("feed.tx", { type: what, h: m.height })), " ", h("span", { class: m.code ? "badge bad" : "badge ok" }, m.code ? "✗ " + m.code : "✓")));
    while (list.children.length > 50) list.lastChild.remove();
  };
  socket.onclose = (ev) => { if (ev.code !== 1000 && ev.code !== 1001 && document.body.contains(list)) list.prepend(h("li", { class: "muted" }, t("feed.closed", { reason: ev.reason || ev.code }))); };
}

async function block(height) {
  const b = await api("/v1/blocks/" + encodeURIComponent(height));
  const vdept = await validatorDepartments().catch(() => ({}));
  render(
    h("h1", {}, t("block.title", { h: b.height })),
    fields([[t("block.hash"), h("span", { class: "mono" }, b.hash)], [t("block.time"), time(b.time)],
      [t("block.proposer"), vdept[b.proposer_address.toUpperCase()] || b.proposer_address],
      [t("block.apphash", { p: b.height - 1 }), h("span", { class: "mono" }, b.app_hash)],
      [t("block.signers"), (b.last_commit_signers || []).map((a) => vdept[a.toUpperCase()] || a).join(", ")]]),
    h("h2", {}, t("block.txs")),
    b.txs.length ? h("ul", {}, b.txs.map((x) => h("li", {}, link("#/tx/" + x, x, "mono")))) : h("p", { class: "muted" }, t("block.none")),
    h("p", {}, b.height > 1 ? link("#/block/" + (b.height - 1), "← " + t("block.prev")) : "", " ", link("#/block/" + (b.height + 1), t("block.next") + " →")));
}

async function tx(hash) {
  const x = await api("/v1/txs/" + encodeURIComponent(hash));
  render(
    h("h1", {}, t("tx.title")),
    fields([[t("tx.hash"), h("span", { class: "mono" }, x.hash)], [t("tx.height"), link("#/block/" + x.height, x.height)],
      [t("tx.result"), x.code ? h("span", { class: "badge bad" }, t("tx.failed", { c: x.code, log: x.log || "" })) : h("span", { class: "badge ok" }, t("tx.ok"))],
      [t("tx.signer"), acctLink(x.tx.signer)], [t("tx.logindex"), x.log_index]]),
    h("h2", {}, t("tx.msgs")),
    ...x.tx.msgs.map((m) => h("section", { class: "card" }, h("strong", {}, m.type), describe(m.body))),
    h("h2", {}, t("tx.events")),
    x.events.length ? h("ul", {}, x.events.map((e) => h("li", {}, h("strong", {}, e.type), " ", (e.attributes || []).map((a) => `${a.key}=${a.value}`).join(", ")))) : h("p", { class: "muted" }, "—"),
    verifyBox(t("verify.receipt"), async () => ["receipt", await api("/v1/txs/" + encodeURIComponent(hash) + "/receipt", { text: true })]));
}

// describe shows a decoded message body or record as fields, in words.
function describe(body) {
  if (body === null || typeof body !== "object") return h("p", { class: "mono" }, String(body));
  return fields(Object.entries(body).map(([k, v]) => [k.replaceAll("_", " "), value(k, v)]));
}

function value(k, v) {
  if (v === null || v === undefined) return "—";
  if (Array.isArray(v)) return v.length ? h("ul", {}, v.map((x) => h("li", {}, value(k, x)))) : t("none");
  if (typeof v === "object") return describe(v);
  if (typeof v === "boolean") return v ? t("yes") : t("no");
  if (/(^|_)(price|amount|tax_due|last_price|ceiling|original|adjusted|committed|paid|available|reserved|benefit)$/.test(k) && typeof v === "number") return yuan(v);
  if (k === "area_centi_m2") return area(v);
  if (k.endsWith("_bp")) return share(v);
  if (k.endsWith("_unix")) return v ? time(v) : "—";
  if (typeof v === "string" && /^[0-9a-f]{40}$/.test(v)) return acctLink(v);
  return String(v);
}

async function account(addr) {
  const a = await api("/v1/identity/accounts/" + encodeURIComponent(addr));
  const owned = await api("/v1/registry/owners/" + encodeURIComponent(addr) + "/parcels?limit=100").catch(() => ({ items: [] }));
  const benefits = await api("/v1/welfare/citizens/" + encodeURIComponent(addr) + "/payments?limit=100").catch(() => ({ items: [] }));
  render(
    h("h1", {}, t("acct.title", { a: short(addr, 8) })),
    fields([["address", h("span", { class: "mono" }, addr)], [t("acct.dept"), a.department], [t("acct.kind"), a.citizen ? t("acct.citizen") : t("acct.official")],
      [t("acct.roles"), (a.roles || []).join(", ") || "—"], [t("acct.disabled"), a.disabled ? t("yes") : t("no")]]),
    verifyBox(t("verify.record"), async () => ["state", await api("/v1/identity/accounts/" + encodeURIComponent(addr) + "?prove=true", { text: true })]),
    h("h2", {}, t("acct.benefits")),
    benefits.items.length ? table([t("acct.program"), t("acct.period"), t("parcel.amount"), t("parcel.status")], benefits.items.map((p) => h("tr", {}, h("td", {}, p.program), h("td", {}, p.period), h("td", {}, yuan(p.amount)), h("td", {}, p.status)))) : h("p", { class: "muted" }, t("none")),
    h("h2", {}, t("acct.parcels")),
    owned.items.length ? h("ul", {}, owned.items.map((p) => h("li", {}, link("#/parcel/" + encodeURIComponent(p.number), p.number), " — ", p.district, ", ", area(p.area_centi_m2)))) : h("p", { class: "muted" }, t("none")));
}

async function parcel(number) {
  const base = "/v1/registry/parcels/" + encodeURIComponent(number);
  const p = await api(base);
  const [enc, hist, xfers] = await Promise.all([api(base + "/encumbrances?limit=100"), api(base + "/history?limit=100"), api(base + "/transfers")]);
  render(
    h("h1", {}, t("parcel.title", { n: p.number })),
    fields([[t("parcel.district"), p.district], [t("parcel.location"), p.location], [t("parcel.area"), area(p.area_centi_m2)], [t("parcel.use"), p.use],
      [t("parcel.owners"), h("ul", {}, p.owners.map((o) => h("li", {}, acctLink(o.account), ` (${t("parcel.share")} ${share(o.share_bp)})`)))],
      [t("parcel.frozen"), p.frozen ? t("yes") : t("no")], [t("parcel.lastprice"), p.last_price ? yuan(p.last_price) : "—"], [t("parcel.version"), p.version ?? 0]]),
    verifyBox(t("verify.record"), async () => ["state", await api(base + "?prove=true", { text: true })]),
    h("h2", {}, t("parcel.transfers")),
    xfers.items.length ? table(["id", t("parcel.price"), t("parcel.status")], xfers.items.map((x) => h("tr", {}, h("td", {}, x.id), h("td", {}, yuan(x.price)), h("td", {}, x.effective_status || x.status)))) : h("p", { class: "muted" }, t("none")),
    h("h2", {}, t("parcel.encumbrances")),
    enc.items.length ? table([t("parcel.kind"), t("parcel.holder"), t("parcel.amount"), t("parcel.status")], enc.items.map((e) => h("tr", {}, h("td", {}, e.kind), h("td", {}, acctLink(e.holder)), h("td", {}, yuan(e.amount)), h("td", {}, e.effective_status || e.status)))) : h("p", { class: "muted" }, t("none")),
    h("h2", {}, t("parcel.history")),
    table(["#", t("parcel.event"), t("block.time"), t("parcel.by"), t("parcel.price")], hist.items.map((e) => h("tr", {}, h("td", {}, e.seq ?? 0), h("td", {}, e.kind), h("td", {}, time(e.time_unix)), h("td", {}, acctLink(e.by)), h("td", {}, e.price ? yuan(e.price) : "—")))));
}

function registry() {
  const input = h("input", { id: "parcel-number", name: "number", required: true, autocomplete: "off" });
  render(h("h1", {}, t("parcel.lookup")),
    h("form", { onsubmit: (e) => { e.preventDefault(); location.hash = "#/parcel/" + encodeURIComponent(input.value.trim()); } },
      h("label", { for: "parcel-number" }, t("parcel.number")), " ", input, " ", h("button", { type: "submit" }, t("search.go"))));
}

function mine() {
  const input = h("input", { id: "my-address", name: "address", required: true, pattern: "[0-9a-f]{40}", autocomplete: "off", class: "mono", size: 42 });
  render(h("h1", {}, t("mine.title")), h("p", {}, t("mine.intro")),
    h("form", { onsubmit: (e) => { e.preventDefault(); location.hash = "#/account/" + input.value.trim().toLowerCase(); } },
      h("label", { for: "my-address" }, t("mine.address")), " ", input, " ", h("button", { type: "submit" }, t("mine.show"))));
}

function verifyPage() {
  const area = h("textarea", { id: "proof-text", spellcheck: "false" });
  const file = h("input", { id: "proof-file", type: "file", accept: ".json,application/json" });
  const trustNode = h("input", { type: "radio", name: "trust", id: "trust-node", value: "node", checked: true });
  const trustFile = h("input", { type: "radio", name: "trust", id: "trust-file", value: "file" });
  const genesisFile = h("input", { id: "genesis-file", type: "file", accept: ".json,application/json" });
  const out = h("div", { "aria-live": "polite", id: "verify-result" });
  file.addEventListener("change", async () => { if (file.files[0]) area.value = await file.files[0].text(); });
  render(h("h1", {}, t("verify.page")), h("p", {}, t("verify.intro")),
    h("form", { onsubmit: async (e) => {
      e.preventDefault();
      out.replaceChildren(h("p", { class: "muted" }, t("verify.checking")));
      try {
        const text = area.value;
        const kind = detectKind(text);
        let genesis;
        if (trustFile.checked && genesisFile.files[0]) genesis = await genesisFile.files[0].text();
        out.replaceChildren(h("p", { class: "muted" }, t("verify.kind", { k: kind })), await verdict(kind, text, genesis));
      } catch (err) {
        out.replaceChildren(h("div", { class: "verdict bad", role: "alert" }, h("strong", {}, t("verify.bad")), h("p", {}, err.message)));
      }
    } },
    h("p", {}, h("label", { for: "proof-text" }, t("verify.file")), h("br"), area),
    h("p", {}, h("label", { for: "proof-file" }, t("verify.upload")), " ", file),
    h("fieldset", {}, h("legend", {}, t("verify.trust")),
      h("p", {}, trustNode, " ", h("label", { for: "trust-node" }, t("verify.trustNode"))),
      h("p", {}, trustFile, " ", h("label", { for: "trust-file" }, t("verify.trustFile")), " ", h("label", { for: "genesis-file", class: "sr" }, t("verify.genesisFile")), genesisFile)),
    h("p", {}, h("button", { type: "submit", id: "verify-run" }, t("verify.run")))), out);
}

// ---- elections: a voter finds their ballot by its tracking code ----

function trackForm(code) {
  const input = h("input", { id: "track-code", name: "code", required: true, pattern: "[0-9a-fA-F]{64}", autocomplete: "off", class: "mono code-input", value: code || null });
  return h("form", { onsubmit: (e) => { e.preventDefault(); location.hash = "#/track/" + input.value.trim().toLowerCase(); } },
    h("label", { for: "track-code" }, t("track.code")), " ", input, " ", h("button", { type: "submit" }, t("track.find")));
}

async function track(code) {
  if (!code) {
    return render(h("h1", {}, t("track.title")), h("p", {}, t("track.intro")), trackForm());
  }
  const ref = await api("/v1/voting/codes/" + encodeURIComponent(code));
  const base = "/v1/voting/elections/" + encodeURIComponent(ref.election);
  const [b, el] = await Promise.all([api(base + "/ballots/" + ref.seq), api(base)]);
  const now = Date.now() / 1000;
  const phase = el.result && el.result.length ? t("track.final") : now < el.start_unix ? t("track.before") : now < el.end_unix ? t("track.open") : t("track.closed");
  render(
    h("h1", {}, t("track.title")), trackForm(code),
    h("p", { class: "verdict ok", role: "status" }, h("strong", {}, t("track.found", { e: ref.election, n: ref.seq }))),
    fields([
      [t("track.election"), link("#/m/voting/elections/" + encodeURIComponent(ref.election), ref.election)],
      [t("track.phase"), phase],
      [t("track.seq"), String(b.seq ?? ref.seq)],
      [t("track.code"), h("span", { class: "mono" }, code)],
      [t("track.recorded"), link("#/block/" + b.height, String(b.height))],
      [t("track.counted"), b.counted ? t("track.countedYes") : t("track.countedNo")],
      [t("track.ballots"), t("track.ballotsN", { n: el.ballots ?? 0, c: el.counted ?? 0 })],
    ]),
    h("p", { class: "muted" }, t("track.secret")),
    verifyBox(t("track.verifyCode"), async () => ["state", await api("/v1/voting/codes/" + encodeURIComponent(code) + "?prove=true", { text: true })]),
    verifyBox(t("track.verifyBallot"), async () => ["state", await api(base + "/ballots/" + ref.seq + "?prove=true", { text: true })]));
}

// ---- module records (every module: its queries from the OpenAPI document) ----

const core = new Set(["status", "blocks", "txs", "light", "log", "anchor", "commitments", "state", "codes", "roles", "events", "openapi.json", "genesis"]);
let opsCache = null;

// moduleOps lists the GET operations of each module, from /v1/openapi.json.
async function moduleOps() {
  if (opsCache) return opsCache;
  const doc = await api("/v1/openapi.json");
  const mods = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    const seg = path.split("/")[2];
    if (!path.startsWith("/v1/") || core.has(seg) || !item.get) continue;
    (mods[seg] ||= []).push({ path: path.slice(("/v1/" + seg + "/").length), summary: item.get.summary || "", params: (item.get.parameters || []).filter((p) => p.in === "path") });
  }
  opsCache = mods;
  return mods;
}

async function modulesPage() {
  const mods = await moduleOps();
  render(h("h1", {}, t("mods.title")), h("p", {}, t("mods.intro")),
    h("ul", {}, Object.keys(mods).sort().map((m) => h("li", {}, link("#/m/" + m, m), " — ", t("mods.count", { n: mods[m].length })))));
}

async function modulePage(mod) {
  const ops = (await moduleOps())[mod];
  if (!ops) throw new HTTPError(404, "no module " + mod);
  render(h("h1", {}, t("mods.module", { m: mod })),
    ...ops.map((op, i) => {
      const inputs = op.params.map((p) => h("input", { id: `q${i}-${p.name}`, name: p.name, required: true, autocomplete: "off", "aria-label": p.name }));
      return h("form", { class: "card query", onsubmit: (e) => {
        e.preventDefault();
        let path = op.path;
        op.params.forEach((p, j) => { path = path.replace("{" + p.name + "}", encodeURIComponent(inputs[j].value.trim())); });
        location.hash = "#/m/" + mod + "/" + path;
      } }, h("strong", {}, op.summary), h("div", { class: "mono muted" }, `/v1/${mod}/${op.path}`),
        op.params.length ? h("p", {}, op.params.flatMap((p, j) => [h("label", { for: `q${i}-${p.name}` }, p.name), " ", inputs[j], " "])) : null,
        h("button", { type: "submit" }, t("search.go")));
    }));
}

// moduleRecord shows one module read: a record (with a verify button) or a
// page of records (a table, with bars where a line has paid of adjusted).
async function moduleRecord(mod, rest, query) {
  const path = "/v1/" + mod + "/" + rest;
  const v = await api(path + (query ? "?" + query : ""));
  const title = h("h1", {}, mod + " / " + decodeURIComponent(rest));
  if (v && Array.isArray(v.items)) {
    // One level of nested objects (a rollup's totals) is shown as columns.
    const items = v.items.map((x) => {
      const flat = {};
      for (const [k, val] of Object.entries(x)) {
        if (val && typeof val === "object" && !Array.isArray(val)) Object.assign(flat, val);
        else flat[k] = val;
      }
      return flat;
    });
    const cols = items.length ? Object.keys(items[0]).filter((k) => items.some((x) => x[k] !== null && typeof x[k] !== "object")).slice(0, 8) : [];
    const bars = items.length && "paid" in items[0] && "adjusted" in items[0];
    const rows = items.map((x) => h("tr", {}, cols.map((c) => h("td", {}, value(c, x[c]))),
      bars ? h("td", {}, bar(x.paid, x.adjusted)) : null));
    const next = v.next ? link("#/m/" + mod + "/" + rest + "?after=" + encodeURIComponent(v.next) + (v.height ? "&height=" + v.height : ""), t("mods.next") + " →") : null;
    return render(title, h("p", { class: "muted" }, t("mods.page", { n: items.length, h: v.height, total: v.total ?? (v.total_at_least ? "≥" + v.total_at_least : "?") })),
      items.length ? table([...cols.map((c) => c.replaceAll("_", " ")), ...(bars ? [t("mods.spent")] : [])], rows) : h("p", { class: "muted" }, t("none")), next ? h("p", {}, next) : null);
  }
  render(title, describe(v), verifyBox(t("verify.record"), async () => ["state", await api(path + "?prove=true", { text: true })]));
}

// bar draws paid as a share of adjusted.
function bar(paid, adjusted) {
  const pct = adjusted ? Math.min(100, Math.round((Number(paid) * 100) / Number(adjusted))) : 0;
  return h("span", { class: "bar", role: "img", "aria-label": pct + "%" }, h("span", { class: "fill", style: null, "data-pct": pct }), h("span", { class: "pct" }, pct + "%"));
}

// ---- routing ----

async function route() {
  if (socket && !location.hash.match(/^#?\/?$/)) { socket.close(1000); socket = null; }
  const [hashPath, query] = (location.hash.replace(/^#/, "") || "/").split("?");
  const [, page, ...rest] = hashPath.split("/");
  const arg = decodeURIComponent(rest.join("/"));
  render(h("p", { class: "muted" }, t("loading")));
  try {
    switch (page) {
      case "": await home(); break;
      case "block": await block(arg); break;
      case "tx": await tx(arg); break;
      case "account": await account(arg); break;
      case "parcel": await parcel(arg); break;
      case "registry": registry(); break;
      case "mine": mine(); break;
      case "verify": verifyPage(); break;
      case "track": await track(arg); break;
      case "credential": credentialPage(h, render); break;
      case "m":
        if (!rest.length || !rest[0]) await modulesPage();
        else if (rest.length === 1) await modulePage(rest[0]);
        else await moduleRecord(rest[0], rest.slice(1).join("/"), query);
        break;
      default: render(h("h1", {}, t("notfound", { what: page })));
    }
  } catch (e) {
    fail(e, arg || page);
  }
  main().focus({ preventScroll: true });
}

function search(q) {
  q = q.trim();
  if (/^\d+$/.test(q)) return "#/block/" + q;
  if (/^[0-9a-fA-F]{64}$/.test(q)) return "#/tx/" + q.toLowerCase();
  if (/^[0-9a-fA-F]{40}$/.test(q)) return "#/account/" + q.toLowerCase();
  return "#/parcel/" + encodeURIComponent(q);
}

function start() {
  const sel = document.getElementById("lang");
  sel.value = lang();
  sel.addEventListener("change", () => { setLang(sel.value); translate(); route(); });
  document.getElementById("search").addEventListener("submit", (e) => {
    e.preventDefault();
    location.hash = search(document.getElementById("q").value);
  });
  translate();
  window.addEventListener("hashchange", route);
  route();
}

start();
