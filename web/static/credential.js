// The "verify a credential" page: a presentation bundle (govchain
// credential present, docs/credentials.md) checked in this browser by the
// Go verifier compiled to WebAssembly (credential/bundle, as `govchain
// credential verify`): issuer signature and authorisation at issuance,
// holder binding to the audience and nonce the verifier chose, the
// disclosed claims only, status not revoked or suspended, every state
// proof from the chain's genesis. Texts in English and Chinese; no data
// is inserted as HTML.
import { lang } from "./i18n.js";
import { load, genesisText } from "./verifier.js";

const texts = {
  en: {
    title: "Verify a credential",
    intro: "Paste a credential presentation bundle (govchain credential present). It is checked here, in your browser, against the chain's genesis: the issuing department's signature and its authorisation for this kind of credential when it was issued, that it was presented by its holder to you (your audience and nonce), the claims the holder chose to disclose, and that it is not revoked or suspended.",
    bundle: "Presentation bundle",
    aud: "Your audience (the verifier named in the presentation)",
    nonce: "The nonce you gave the holder",
    genesis: "Genesis to trust (empty: this node's, pinned in this browser)",
    at: "Verify as at (unix seconds; empty: now)",
    run: "Verify the credential",
    checking: "Checking…",
    ok: "Valid credential",
    bad: "NOT VERIFIED",
    issuer: "Issued by", type: "Kind", holder: "Holder", issued: "Issued", until: "Valid until",
    claims: "Disclosed claims", none: "(none)", status: "Status at height {h} ({t}): not revoked, not suspended; signed by {s}",
  },
  zh: {
    title: "验证凭证",
    intro: "粘贴凭证出示包（govchain credential present）。在本浏览器中依据链的创世文件验证：签发部门的签名及其签发时对此类凭证的授权、持有人向您（您的受众和随机数）出示、持有人选择披露的声明，以及凭证未被撤销或暂停。",
    bundle: "出示包",
    aud: "您的受众（出示中指定的验证方）",
    nonce: "您给持有人的随机数",
    genesis: "信任的创世文件（留空：本节点的，已在本浏览器固定）",
    at: "按此时间验证（Unix 秒；留空：现在）",
    run: "验证凭证",
    checking: "正在验证…",
    ok: "凭证有效",
    bad: "未通过验证",
    issuer: "签发部门", type: "类型", holder: "持有人", issued: "签发时间", until: "有效期至",
    claims: "已披露的声明", none: "（无）", status: "高度 {h}（{t}）的状态：未撤销、未暂停；签名：{s}",
  },
};

function tr(key, vars = {}) {
  const s = (texts[lang()] || texts.en)[key] || texts.en[key] || key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
}

// verifyCredential checks a bundle: {ok, result} or {ok: false, error}.
export async function verifyCredential(bundleText, genesis, aud, nonce, now) {
  await load();
  const g = await genesisText(genesis || undefined);
  return JSON.parse(globalThis.govchainVerifyCredential(bundleText, g, aud, nonce, now));
}

const when = (unix) => new Date(unix * 1000).toISOString().replace(".000Z", "Z");

// credentialPage renders the page with the explorer's h and render.
export function credentialPage(h, render) {
  const area = h("textarea", { id: "cred-bundle", spellcheck: "false" });
  const aud = h("input", { id: "cred-aud", type: "text", autocomplete: "off" });
  const nonce = h("input", { id: "cred-nonce", type: "text", autocomplete: "off" });
  const genesis = h("textarea", { id: "cred-genesis", spellcheck: "false", rows: "3" });
  const at = h("input", { id: "cred-at", type: "text", inputmode: "numeric", autocomplete: "off" });
  const out = h("div", { "aria-live": "polite", id: "cred-result" });
  const field = (id, label, input) => h("p", {}, h("label", { for: id }, label), h("br"), input);
  render(h("h1", {}, tr("title")), h("p", {}, tr("intro")),
    h("form", { onsubmit: async (e) => {
      e.preventDefault();
      out.replaceChildren(h("p", { class: "muted" }, tr("checking")));
      try {
        const now = at.value.trim() ? Number(at.value.trim()) : Math.floor(Date.now() / 1000);
        const res = await verifyCredential(area.value.trim() + "\n", genesis.value.trim(), aud.value.trim(), nonce.value.trim(), now);
        out.replaceChildren(res.ok ? good(h, res.result) : bad(h, res.error));
      } catch (err) {
        out.replaceChildren(bad(h, err.message));
      }
    } },
    field("cred-bundle", tr("bundle"), area), field("cred-aud", tr("aud"), aud), field("cred-nonce", tr("nonce"), nonce),
    field("cred-genesis", tr("genesis"), genesis), field("cred-at", tr("at"), at),
    h("p", {}, h("button", { type: "submit", id: "cred-run" }, tr("run")))), out);
}

function bad(h, message) {
  return h("div", { class: "verdict bad", role: "alert" }, h("strong", {}, tr("bad")), h("p", { class: "mono" }, message));
}

function good(h, r) {
  const c = r.credential;
  const claims = Object.keys(c.claims || {}).sort();
  const dl = [[tr("issuer"), c.issuer], [tr("type"), c.type], [tr("holder"), c.holder], [tr("issued"), when(c.issued_at)]];
  if (c.valid_until) dl.push([tr("until"), when(c.valid_until)]);
  return h("div", { class: "verdict ok", role: "status" },
    h("strong", {}, "✓ " + tr("ok")),
    h("dl", {}, dl.flatMap(([k, v]) => [h("dt", {}, k), h("dd", { class: "mono" }, v)])),
    h("h2", {}, tr("claims")),
    claims.length ? h("dl", {}, claims.flatMap((k) => [h("dt", {}, k), h("dd", { class: "mono" }, JSON.stringify(c.claims[k]))])) : h("p", {}, tr("none")),
    h("p", { class: "muted" }, tr("status", { h: r.height, t: r.state_time, s: r.signed })));
}
