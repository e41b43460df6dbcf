// Strings in English and Chinese. t(key, vars) looks a key up in the
// chosen language (remembered in localStorage), falling back to English.
const strings = {
  en: {
    brand: "govchain explorer", skip: "Skip to content", loading: "Loading…",
    "nav.explorer": "Explorer", "nav.registry": "Property", "nav.verify": "Verify a file", "nav.credential": "Verify a credential", "nav.mine": "My records",
    "search.label": "Search", "search.placeholder": "Height, tx hash, account or parcel number", "search.go": "Search",
    "lang.label": "Language",
    footer: "Every record here can be checked against the departments' signatures in your browser: press “Verify”.",
    "status.title": "Chain status", "status.chain": "Chain", "status.height": "Latest height", "status.time": "Latest block time",
    "status.health": "Progressing", "status.yes": "yes", "status.no": "no: {reason}", "status.validators": "Validators",
    "status.log": "Records in the log", "status.mempool": "Waiting transactions",
    "depts.title": "Departments", "depts.id": "Id", "depts.name": "Name", "depts.validator": "Runs a validator", "depts.power": "power {p}",
    "blocks.title": "Latest blocks", "blocks.height": "Height", "blocks.time": "Time", "blocks.txs": "Transactions", "blocks.proposer": "Proposer",
    "feed.title": "Live", "feed.waiting": "Waiting for new transactions…", "feed.tx": "{type} at height {h}", "feed.closed": "Live feed closed: {reason}",
    "block.title": "Block {h}", "block.hash": "Hash", "block.time": "Time", "block.proposer": "Proposer", "block.apphash": "App hash (state after block {p})",
    "block.signers": "Signed by", "block.txs": "Transactions", "block.none": "No transactions", "block.prev": "Previous block", "block.next": "Next block",
    "tx.title": "Transaction", "tx.hash": "Hash", "tx.height": "Height", "tx.result": "Result", "tx.ok": "accepted", "tx.failed": "refused (code {c}): {log}",
    "tx.signer": "Signed by", "tx.msgs": "Messages", "tx.events": "What it did", "tx.logindex": "Position in the record log",
    "verify.button": "Verify", "verify.receipt": "Verify this transaction's receipt", "verify.record": "Verify this record",
    "verify.loading": "Loading the verifier…", "verify.checking": "Checking the proof in your browser…",
    "verify.ok": "Verified", "verify.bad": "Not verified", "verify.what": "What was proven", "verify.height": "At height {h} (block time {t})",
    "verify.signed": "Signed by {n} of {m} validators (voting power {p} of {q}): {depts}",
    "verify.genesis": "Trusted genesis fingerprint (SHA-256): {fp}. Compare it with the one the departments publish.",
    "verify.genesisChanged": "Warning: this node's genesis differs from the one this browser trusted before ({fp}).",
    "verify.page": "Verify a proof file", "verify.intro": "Paste or upload a receipt, a state proof, a proven record, a log proof or a consistency proof. It is checked here, in your browser, against the chain's genesis validators.",
    "verify.file": "Proof file", "verify.upload": "Or upload a file", "verify.trust": "Trust",
    "verify.trustNode": "This node's genesis (pinned in this browser)", "verify.trustFile": "A genesis file I have",
    "verify.genesisFile": "Genesis file", "verify.run": "Verify", "verify.kind": "Detected: {k}",
    "acct.title": "Account {a}", "acct.dept": "Department", "acct.kind": "Kind", "acct.citizen": "citizen", "acct.official": "official",
    "acct.roles": "Roles", "acct.key": "Key", "acct.disabled": "Disabled", "acct.parcels": "Property",
    "parcel.title": "Parcel {n}", "parcel.district": "District", "parcel.location": "Location", "parcel.area": "Area", "parcel.use": "Use",
    "parcel.owners": "Owners", "parcel.share": "share", "parcel.frozen": "Frozen", "parcel.lastprice": "Last price", "parcel.version": "Title version",
    "parcel.encumbrances": "Mortgages and liens", "parcel.history": "History", "parcel.transfers": "Open transfers",
    "parcel.kind": "Kind", "parcel.holder": "Holder", "parcel.amount": "Amount", "parcel.status": "Status",
    "parcel.event": "Event", "parcel.by": "By", "parcel.price": "Price", "parcel.lookup": "Look up a parcel", "parcel.number": "Parcel number",
    "mine.title": "My records", "mine.intro": "Enter your account address to see your property and account. Nothing is stored.", "mine.address": "Account address", "mine.show": "Show",
    "nav.records": "All records", "mods.title": "All records", "mods.intro": "Every module's records: budgets (fiscal), tenders and contracts (procurement), welfare programs (welfare), the property registry, identity. Each record can be verified.",
    "mods.count": "{n} kinds of record", "mods.module": "Module {m}", "mods.next": "Next page", "mods.page": "{n} records at height {h} (of {total})", "mods.spent": "Paid of adjusted",
    "acct.benefits": "Benefits received", "acct.program": "Program", "acct.period": "Period",
    "nav.track": "Track my ballot", "track.title": "Track my ballot",
    "track.intro": "Enter the tracking code you were given when you voted. This page finds your encrypted ballot in the record and proves, in your browser, that it is there as cast. It cannot show how you voted: nobody can.",
    "track.code": "Tracking code", "track.find": "Find", "track.found": "Your ballot is in the record of election {e}, as ballot number {n}.",
    "track.election": "Election", "track.phase": "Election", "track.before": "not open yet", "track.open": "voting is open", "track.closed": "voting has closed; counting",
    "track.final": "the result is final", "track.seq": "Ballot number", "track.recorded": "Recorded at height", "track.counted": "Counted",
    "track.countedYes": "yes: this is the ballot counted for its voter", "track.countedNo": "no: a later ballot from the same voter replaced it (re-voting)",
    "track.ballots": "Ballots in the record", "track.ballotsN": "{n} recorded, {c} counted",
    "track.secret": "The ballot is encrypted to the trustees' joint key; only the tally of all counted ballots is ever decrypted.",
    "track.verifyCode": "Verify that the code leads to this ballot", "track.verifyBallot": "Verify this ballot's record",
    "none": "none", "yes": "yes", "no": "no", "notfound": "Not found: {what}", "error": "Error: {msg}",
  },
  zh: {
    brand: "政务链浏览器", skip: "跳到正文", loading: "加载中…",
    "nav.explorer": "区块浏览", "nav.registry": "不动产", "nav.verify": "验证文件", "nav.credential": "验证凭证", "nav.mine": "我的记录",
    "search.label": "搜索", "search.placeholder": "区块高度、交易哈希、账户或宗地号", "search.go": "搜索",
    "lang.label": "语言",
    footer: "此处每条记录都可在您的浏览器中对照各部门的签名进行核验：请点击“验证”。",
    "status.title": "链状态", "status.chain": "链", "status.height": "最新高度", "status.time": "最新出块时间",
    "status.health": "正常出块", "status.yes": "是", "status.no": "否：{reason}", "status.validators": "验证节点",
    "status.log": "记录日志条数", "status.mempool": "待处理交易",
    "depts.title": "部门", "depts.id": "编号", "depts.name": "名称", "depts.validator": "运行验证节点", "depts.power": "权重 {p}",
    "blocks.title": "最新区块", "blocks.height": "高度", "blocks.time": "时间", "blocks.txs": "交易数", "blocks.proposer": "出块节点",
    "feed.title": "实时", "feed.waiting": "等待新交易…", "feed.tx": "{type}，高度 {h}", "feed.closed": "实时推送已关闭：{reason}",
    "block.title": "区块 {h}", "block.hash": "哈希", "block.time": "时间", "block.proposer": "出块节点", "block.apphash": "应用哈希（区块 {p} 之后的状态）",
    "block.signers": "签名节点", "block.txs": "交易", "block.none": "无交易", "block.prev": "上一区块", "block.next": "下一区块",
    "tx.title": "交易", "tx.hash": "哈希", "tx.height": "高度", "tx.result": "结果", "tx.ok": "已执行", "tx.failed": "被拒绝（代码 {c}）：{log}",
    "tx.signer": "签名账户", "tx.msgs": "消息", "tx.events": "执行结果", "tx.logindex": "在记录日志中的位置",
    "verify.button": "验证", "verify.receipt": "验证此交易的回执", "verify.record": "验证此记录",
    "verify.loading": "正在加载验证程序…", "verify.checking": "正在您的浏览器中核验证明…",
    "verify.ok": "验证通过", "verify.bad": "验证失败", "verify.what": "已证明的内容", "verify.height": "高度 {h}（区块时间 {t}）",
    "verify.signed": "由 {m} 个验证节点中的 {n} 个签名（投票权 {p}/{q}）：{depts}",
    "verify.genesis": "所信任创世文件的指纹（SHA-256）：{fp}。请与各部门公布的指纹核对。",
    "verify.genesisChanged": "警告：此节点的创世文件与本浏览器之前信任的不同（{fp}）。",
    "verify.page": "验证证明文件", "verify.intro": "粘贴或上传回执、状态证明、带证明的记录、日志证明或一致性证明。验证在您的浏览器中进行，依据是链的创世验证节点。",
    "verify.file": "证明文件", "verify.upload": "或上传文件", "verify.trust": "信任依据",
    "verify.trustNode": "本节点的创世文件（固定在本浏览器中）", "verify.trustFile": "我持有的创世文件",
    "verify.genesisFile": "创世文件", "verify.run": "验证", "verify.kind": "识别为：{k}",
    "acct.title": "账户 {a}", "acct.dept": "部门", "acct.kind": "类型", "acct.citizen": "公民", "acct.official": "公职人员",
    "acct.roles": "角色", "acct.key": "公钥", "acct.disabled": "已停用", "acct.parcels": "不动产",
    "parcel.title": "宗地 {n}", "parcel.district": "区", "parcel.location": "坐落", "parcel.area": "面积", "parcel.use": "用途",
    "parcel.owners": "权利人", "parcel.share": "份额", "parcel.frozen": "查封", "parcel.lastprice": "最近成交价", "parcel.version": "权属版本",
    "parcel.encumbrances": "抵押与留置", "parcel.history": "历史", "parcel.transfers": "进行中的转移",
    "parcel.kind": "类型", "parcel.holder": "权利人", "parcel.amount": "金额", "parcel.status": "状态",
    "parcel.event": "事件", "parcel.by": "办理人", "parcel.price": "价格", "parcel.lookup": "查询宗地", "parcel.number": "宗地号",
    "mine.title": "我的记录", "mine.intro": "输入您的账户地址，查看您的不动产和账户。不会保存任何信息。", "mine.address": "账户地址", "mine.show": "查看",
    "nav.track": "查询我的选票", "track.title": "查询我的选票",
    "track.intro": "输入投票时获得的追踪码。本页在记录中找到您的加密选票，并在您的浏览器中证明它与投出时一致。本页无法显示您投给了谁：任何人都无法得知。",
    "track.code": "追踪码", "track.find": "查询", "track.found": "您的选票已记入选举 {e} 的记录，选票编号 {n}。",
    "track.election": "选举", "track.phase": "选举状态", "track.before": "尚未开始", "track.open": "投票进行中", "track.closed": "投票已结束，正在计票",
    "track.final": "结果已确定", "track.seq": "选票编号", "track.recorded": "记录高度", "track.counted": "是否计入",
    "track.countedYes": "是：这是该选民被计入的选票", "track.countedNo": "否：同一选民后来投出的选票取代了它（重新投票）",
    "track.ballots": "记录中的选票", "track.ballotsN": "已记录 {n} 张，计入 {c} 张",
    "track.secret": "选票以受托人的联合公钥加密；只有全部计入选票的合计才会被解密。",
    "track.verifyCode": "验证追踪码指向此选票", "track.verifyBallot": "验证此选票的记录",
    "nav.records": "全部记录", "mods.title": "全部记录", "mods.intro": "各模块的记录：预算（财政）、招标与合同（采购）、社会救助项目（救助）、不动产登记、身份。每条记录都可验证。",
    "mods.count": "{n} 类记录", "mods.module": "模块 {m}", "mods.next": "下一页", "mods.page": "高度 {h} 的 {n} 条记录（共 {total}）", "mods.spent": "已支付/调整后预算",
    "acct.benefits": "已领取的救助", "acct.program": "项目", "acct.period": "期间",
    "none": "无", "yes": "是", "no": "否", "notfound": "未找到：{what}", "error": "错误：{msg}",
  },
};

export function lang() {
  const l = localStorage.getItem("govchain.lang");
  return l === "zh" || l === "en" ? l : (navigator.language || "en").startsWith("zh") ? "zh" : "en";
}

export function setLang(l) {
  localStorage.setItem("govchain.lang", l);
}

export function t(key, vars = {}) {
  const s = strings[lang()][key] ?? strings.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (vars[k] ?? ""));
}

// translate fills the static page's data-i18n elements.
export function translate(root = document) {
  document.documentElement.lang = lang() === "zh" ? "zh-CN" : "en";
  root.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll("[data-i18n-placeholder]").forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
}
