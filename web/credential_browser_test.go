//go:build browser

package web_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The "verify a credential" page checks the known-answer bundle of
// credential/bundle/testdata (made on another dev chain: its genesis is
// pasted) in the browser, shows the disclosed claim only, and refuses it
// for another audience.
func TestCredentialPage(t *testing.T) {
	f := setup(t)
	ctx := browser(t, 1200, 900)
	dir := filepath.Join("..", "credential", "bundle", "testdata")
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var exp struct {
		Audience, Nonce string
		Now             int64
	}
	if err := json.Unmarshal([]byte(read("expect.json")), &exp); err != nil {
		t.Fatal(err)
	}
	check := func(aud string) string {
		open(t, ctx, f.base+"/#/credential")
		do(t, ctx, "credential page", chromedp.WaitVisible(chromedp.CSS("#cred-bundle")),
			chromedp.SetValue(chromedp.CSS("#cred-bundle"), read("presentation.json")),
			chromedp.SetValue(chromedp.CSS("#cred-genesis"), read("genesis.json")),
			chromedp.SetValue(chromedp.CSS("#cred-aud"), aud),
			chromedp.SetValue(chromedp.CSS("#cred-nonce"), exp.Nonce),
			chromedp.SetValue(chromedp.CSS("#cred-at"), strconv.FormatInt(exp.Now, 10)),
			chromedp.Click(chromedp.CSS("#cred-run")), chromedp.WaitVisible(chromedp.CSS("#cred-result .verdict")))
		return text(t, ctx, "#cred-result")
	}
	if s := check(exp.Audience); !strings.Contains(s, "Valid credential") || !strings.Contains(s, "residency") || !strings.Contains(s, "Xicheng") || strings.Contains(s, "2011") {
		t.Fatalf("credential page: %q", s)
	}
	if s := check("did:govchain:x:mof"); !strings.Contains(s, "NOT VERIFIED") || !strings.Contains(s, "another audience") {
		t.Fatalf("another audience: %q", s)
	}
}
