//go:build browser

package web_test

// Browser tests: headless Chromium (chromedp) against a real node with
// real records. They need a Chromium on the PATH (Debian's chromium
// package); `go test -tags browser ./web/` runs them, and .ci/run does.

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/node/nodetest"
	"github.com/govchain/govchain/verify/vectorgen"
	"github.com/govchain/govchain/web"
	"github.com/govchain/govchain/x/fiscal"
	"github.com/govchain/govchain/x/identity"
)

var screenshots = flag.Bool("screenshots", false, "write a screenshot of every page into docs/screenshots")

type fixture struct {
	base  string // the node's web UI
	proxy string // the same through a proxy that tampers with proofs
	files string // proof files of the chain (vectorgen)
	tx    string // a tx hash
	acct  string // an account that owns BJ-001
}

func setup(t *testing.T) *fixture {
	d := nodetest.StartDev(t, nodetest.WithWeb(web.Handler()))
	t.Cleanup(d.Stop)
	dir := t.TempDir()
	err := vectorgen.Write(context.Background(), vectorgen.Chain{Client: d.Client, Admin: d.Admin, WaitSigned: d.WaitSigned, Algo: crypto.AlgEd25519}, dir)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{base: "http://" + d.Node.HTTPAddr(), files: dir}
	// A budget line, so the module pages have fiscal records.
	ctx := context.Background()
	bk, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
	if r, err := d.Client.Exec(ctx, d.Admin("mof"), client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: bk.Algorithm, PublicKey: bk.PublicKey(), Roles: []string{fiscal.RoleBudgetOffice}})); err != nil || r.Code != 0 {
		t.Fatalf("budget official: %v %+v", err, r)
	}
	bs, err := d.Client.NewSigner(ctx, bk, bk.Address())
	if err != nil {
		t.Fatal(err)
	}
	if r, err := d.Client.Exec(ctx, bs, client.Msg(fiscal.TypeAppropriate, fiscal.MsgAppropriate{Line: "L-1", Year: 2026, Department: "cab", Function: "2080201", Economic: "50901", FundSource: "general", Amount: 123_456_789})); err != nil || r.Code != 0 {
		t.Fatalf("appropriate: %v %+v", err, r)
	} else {
		d.WaitSigned(r.Height)
	}
	var rec struct {
		Record struct {
			Owners []struct {
				Account string `json:"account"`
			} `json:"owners"`
		} `json:"record"`
	}
	readJSON(t, filepath.Join(dir, "record.json"), &rec)
	f.acct = rec.Record.Owners[0].Account
	var r struct {
		Entry struct {
			TxHash string `json:"tx_hash"`
		} `json:"entry"`
	}
	readJSON(t, filepath.Join(dir, "receipt.json"), &r)
	f.tx = r.Entry.TxHash
	// A proxy that changes the parcel's district inside its proof file.
	target, _ := url.Parse(f.base)
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.URL.Path != "/v1/registry/parcels/BJ-001" || resp.Request.URL.Query().Get("prove") != "true" {
			return nil
		}
		b, err := readAll(resp)
		if err != nil {
			return err
		}
		b = []byte(strings.Replace(string(b), `"district":"Dongcheng"`, `"district":"Xicheng"`, 1))
		setBody(resp, b)
		return nil
	}
	px := httptest.NewServer(rp)
	t.Cleanup(px.Close)
	f.proxy = px.URL
	return f
}

func browser(t *testing.T, width, height int) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.NoSandbox, chromedp.WindowSize(width, height), chromedp.Flag("lang", "en-GB"))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	// The first run starts the browser and must have no timeout.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Skipf("no Chromium here (%v): install Debian's chromium package", err)
	}
	return ctx
}

// do runs steps with a time limit.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, expr string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		t.Fatalf("%s: %v", expr[:min(len(expr), 60)], err)
	}
	return v
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	do(t, ctx, "wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	c, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("%s: %v", sel, err)
	}
	return s
}

func open(t *testing.T, ctx context.Context, u string) {
	t.Helper()
	do(t, ctx, "open "+u, chromedp.Navigate(u))
}

// Each page renders real records; search finds each kind of id.
func TestPages(t *testing.T) {
	f := setup(t)
	ctx := browser(t, 1200, 900)
	open(t, ctx, f.base+"/#/")
	if s := text(t, ctx, "h1"); s != "Chain status" {
		t.Fatalf("home: %q", s)
	}
	if s := text(t, ctx, "main table tbody"); !strings.Contains(s, "Ministry of Finance") || !strings.Contains(s, "power 10") {
		t.Fatalf("departments: %q", s)
	}
	for _, c := range []struct{ q, h1 string }{
		{"BJ-001", "Parcel BJ-001"}, {f.acct, "Account " + f.acct[:8]}, {f.tx, "Transaction"}, {"2", "Block 2"},
	} {
		do(t, ctx, "search "+c.q, chromedp.SetValue(chromedp.CSS("#q"), c.q), chromedp.Click(chromedp.CSS("#search button")),
			chromedp.WaitVisible(chromedp.Search(fmt.Sprintf(`//h1[starts-with(., %q)]`, c.h1))))
	}
	open(t, ctx, f.base+"/#/parcel/BJ-001")
	if s := text(t, ctx, "main dl"); !strings.Contains(s, "89.56 m²") || !strings.Contains(s, "Dongcheng") || !strings.Contains(s, "100.00%") {
		t.Fatalf("parcel: %q", s)
	}
	if s := text(t, ctx, "main"); !strings.Contains(s, "¥2,500,000.00") {
		t.Fatalf("parcel transfers: %q", s)
	}
}

// The verify button checks a real record in the browser, and names what
// failed when a proxy tampers with the proof.
func TestVerifyButton(t *testing.T) {
	f := setup(t)
	ctx := browser(t, 1200, 900)
	verdict := func(base, page string) string {
		open(t, ctx, base+page)
		do(t, ctx, "verify "+page, chromedp.WaitVisible(chromedp.CSS("button.verify")), chromedp.Click(chromedp.CSS("button.verify")))
		return text(t, ctx, ".verdict")
	}
	for _, page := range []string{"/#/parcel/BJ-001", "/#/tx/" + f.tx, "/#/account/" + f.acct} {
		s := verdict(f.base, page)
		if !strings.Contains(s, "Verified") || !strings.Contains(s, "Signed by 1 of 1 validators (voting power 10 of 10): Ministry of Finance") {
			t.Fatalf("%s: %q", page, s)
		}
	}
	s := verdict(f.proxy, "/#/parcel/BJ-001")
	if !strings.Contains(s, "Not verified") || !strings.Contains(s, "record is not the proven value") || !strings.Contains(s, "district") {
		t.Fatalf("tampered: %q", s)
	}
	// The verify page takes a file.
	b, err := os.ReadFile(filepath.Join(f.files, "consistency.json"))
	if err != nil {
		t.Fatal(err)
	}
	open(t, ctx, f.base+"/#/verify")
	do(t, ctx, "verify page", chromedp.WaitVisible(chromedp.CSS("#proof-text")), chromedp.SetValue(chromedp.CSS("#proof-text"), string(b)),
		chromedp.Click(chromedp.CSS("#verify-run")), chromedp.WaitVisible(chromedp.CSS("#verify-result .verdict")))
	if s := text(t, ctx, "#verify-result"); !strings.Contains(s, "Detected: consistency") || !strings.Contains(s, "only appended to") {
		t.Fatalf("verify page: %q", s)
	}
}

// Every module's records are reachable from the queries it declares (the
// OpenAPI document), shown in words and verifiable.
func TestModulePages(t *testing.T) {
	f := setup(t)
	ctx := browser(t, 1200, 900)
	open(t, ctx, f.base+"/#/m")
	if s := text(t, ctx, "main ul"); !strings.Contains(s, "fiscal") || !strings.Contains(s, "procurement") || !strings.Contains(s, "welfare") || !strings.Contains(s, "registry") {
		t.Fatalf("modules: %q", s)
	}
	open(t, ctx, f.base+"/#/m/fiscal/lines/L-1")
	if s := text(t, ctx, "main dl"); !strings.Contains(s, "¥1,234,567.89") || !strings.Contains(s, "2080201") {
		t.Fatalf("budget line: %q", s)
	}
	do(t, ctx, "verify the line", chromedp.Click(chromedp.CSS("button.verify")))
	if s := text(t, ctx, ".verdict"); !strings.Contains(s, "Verified") || !strings.Contains(s, "fiscal.Line") {
		t.Fatalf("verify a budget line: %q", s)
	}
	open(t, ctx, f.base+"/#/m/fiscal/years/2026/departments")
	if s := text(t, ctx, "main table"); !strings.Contains(s, "cab") || !strings.Contains(s, "0%") {
		t.Fatalf("departments of 2026: %q", s)
	}
	// The query forms build the path.
	open(t, ctx, f.base+"/#/m/registry")
	do(t, ctx, "parcel form", chromedp.WaitVisible(chromedp.CSS("form.query input[name=number]")),
		chromedp.SetValue(chromedp.CSS("form.query input[name=number]"), "BJ-001"))
	eval[bool](t, ctx, `(() => { const i = document.querySelector("form.query input[name=number]"); i.form.requestSubmit(); return true })()`)
	do(t, ctx, "parcel record", chromedp.WaitVisible(chromedp.Search(`//h1[.="registry / parcels/BJ-001"]`)))
}

// The language switch changes the page and is remembered.
func TestLanguage(t *testing.T) {
	f := setup(t)
	ctx := browser(t, 1200, 900)
	open(t, ctx, f.base+"/#/parcel/BJ-001")
	text(t, ctx, "h1")
	do(t, ctx, "switch to zh", chromedp.SetValue(chromedp.CSS("#lang"), "zh"))
	eval[bool](t, ctx, `document.getElementById("lang").dispatchEvent(new Event("change"))`)
	do(t, ctx, "zh", chromedp.WaitVisible(chromedp.Search(`//h1[.="宗地 BJ-001"]`)))
	open(t, ctx, f.base+"/#/")
	do(t, ctx, "zh remembered", chromedp.WaitVisible(chromedp.Search(`//h1[.="链状态"]`)))
	if l := eval[string](t, ctx, `document.documentElement.lang`); l != "zh-CN" {
		t.Fatalf("lang attribute %q", l)
	}
}

// On a phone screen no page overflows sideways, and the pages pass an
// axe-core audit with no serious or critical violation.
func TestPhoneAndAccessibility(t *testing.T) {
	f := setup(t)
	ctx := browser(t, 375, 740)
	axe, err := os.ReadFile("testdata/axe-core-4.14.1/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"/#/", "/#/parcel/BJ-001", "/#/tx/" + f.tx, "/#/account/" + f.acct, "/#/verify", "/#/credential", "/#/track", "/#/mine", "/#/block/2",
		"/#/m", "/#/m/fiscal", "/#/m/fiscal/lines/L-1", "/#/m/fiscal/years/2026/departments"} {
		open(t, ctx, f.base+page)
		text(t, ctx, "h1")
		do(t, ctx, "settle", chromedp.Sleep(300*time.Millisecond))
		if eval[bool](t, ctx, `document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`) {
			t.Errorf("%s overflows a 375 px screen", page)
		}
		type violation struct {
			ID     string `json:"id"`
			Impact string `json:"impact"`
			Help   string `json:"help"`
			Nodes  []struct {
				Target []string `json:"target"`
			} `json:"nodes"`
		}
		script := string(axe) + `;axe.run(document).then(r => ({passes: r.passes.length, violations: r.violations.filter(v => v.impact === "serious" || v.impact === "critical")}))`
		res := eval[struct {
			Passes     int         `json:"passes"`
			Violations []violation `json:"violations"`
		}](t, ctx, script, chromedp.EvalAwaitPromise, chromedp.EvalAsValue)
		if res.Passes == 0 {
			t.Fatalf("%s: axe checked nothing", page)
		}
		for _, v := range res.Violations {
			t.Errorf("%s: %s (%s): %s %v", page, v.ID, v.Impact, v.Help, v.Nodes)
		}
	}
}

// go test -tags browser ./web -run TestScreenshots -screenshots writes
// docs/screenshots/*.png.
func TestScreenshots(t *testing.T) {
	if !*screenshots {
		t.Skip("with -screenshots")
	}
	f := setup(t)
	ctx := browser(t, 1200, 900)
	for name, page := range map[string]string{"explorer": "/#/", "parcel": "/#/parcel/BJ-001", "tx": "/#/tx/" + f.tx, "verify": "/#/verify"} {
		open(t, ctx, f.base+page)
		text(t, ctx, "h1")
		if name == "parcel" {
			do(t, ctx, "verify", chromedp.Click(chromedp.CSS("button.verify")), chromedp.WaitVisible(chromedp.CSS(".verdict")))
		}
		do(t, ctx, "settle", chromedp.Sleep(300*time.Millisecond))
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll("../docs/screenshots", 0o755)
		if err := os.WriteFile(filepath.Join("..", "docs", "screenshots", name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
