//go:build browser

package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/govchain/govchain/internal/cli"
	"github.com/govchain/govchain/node/nodetest"
	"github.com/govchain/govchain/web"
	"github.com/govchain/govchain/x/voting"
)

// A voter finds their ballot by its tracking code and verifies, in the
// browser, that the code leads to it and that it is in the record; a code
// that is not in the record is not found.
func TestTrackMyBallot(t *testing.T) {
	d := nodetest.StartDev(t, nodetest.WithWeb(web.Handler()))
	t.Cleanup(d.Stop)
	ctx := context.Background()
	run, err := cli.SetupElection(ctx, d.Client, d.Admin("ec"), d.Admin("cab"), "E1", 3, 2, 2, 8*time.Second, time.Hour, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.WaitBlockTime(ctx, d.Client, run.Msg.Start); err != nil {
		t.Fatal(err)
	}
	raw, err := run.SignCast(0, "b0", 2)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := d.Client.Submit(ctx, raw, true); err != nil || r.Code != 0 || !r.Committed {
		t.Fatalf("cast: %v %+v", err, r)
	}
	var b voting.BallotEntry
	if err := d.Client.Get(ctx, "/v1/voting/elections/E1/ballots/0", &b); err != nil {
		t.Fatal(err)
	}
	d.WaitSigned(d.Height())
	code := fmt.Sprintf("%x", b.Code)
	base := "http://" + d.Node.HTTPAddr()

	bctx := browser(t, 1200, 900)
	open(t, bctx, base+"/#/track")
	do(t, bctx, "track form", chromedp.WaitVisible(chromedp.CSS("#track-code")), chromedp.SetValue(chromedp.CSS("#track-code"), code))
	eval[bool](t, bctx, `document.querySelector("main form").requestSubmit() || true`)
	if !eval[bool](t, bctx, `new Promise((ok) => { const t0 = Date.now(); const f = () => document.querySelector("main .verdict.ok") ? ok(true) : Date.now() - t0 > 30000 ? ok(false) : setTimeout(f, 100); f(); })`, chromedp.EvalAwaitPromise) {
		t.Fatalf("no ballot found; the page says:\n%s", eval[string](t, bctx, `document.querySelector("main").innerText`))
	}
	page := text(t, bctx, "main")
	for _, want := range []string{"Your ballot is in the record of election E1, as ballot number 0", "voting is open", "yes: this is the ballot counted for its voter", "1 recorded, 1 counted", code} {
		if !strings.Contains(page, want) {
			t.Fatalf("track page lacks %q:\n%s", want, page)
		}
	}
	for i, label := range []string{"Verify that the code leads to this ballot", "Verify this ballot's record"} {
		sel := fmt.Sprintf("main section.verify-box:nth-of-type(%d)", i+1)
		if got := text(t, bctx, sel+" button.verify"); got != label {
			t.Fatalf("button %d: %q", i, got)
		}
		do(t, bctx, "verify "+label, chromedp.Click(chromedp.CSS(sel+" button.verify")), chromedp.WaitVisible(chromedp.CSS(sel+" .verdict")))
		if s := text(t, bctx, sel+" .verdict"); !strings.Contains(s, "Verified") || !strings.Contains(s, "Signed by 1 of 1 validators") {
			t.Fatalf("%s: %q", label, s)
		}
	}
	// A code that is in no record.
	open(t, bctx, base+"/#/track/"+strings.Repeat("ab", 32))
	if s := text(t, bctx, "h1"); !strings.Contains(s, "Not found") {
		t.Fatalf("unknown code: %q", s)
	}
}
