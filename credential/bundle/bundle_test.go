package bundle_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/govchain/govchain/credential"
	"github.com/govchain/govchain/credential/bundle"
	"github.com/govchain/govchain/verify"
)

// The known-answer vector (testdata; refreshed by
// GOVCHAIN_WRITE_CREDENTIAL_VECTOR=1 go test ./internal/cli -run
// TestCredentialCLI): a residency credential of the dev chain, disclosing
// its district only, presented to did:govchain:x:mca with nonce n-1, with
// the proofs of cab's issuer record, the holder's account and the two
// status lists.
type vector struct {
	data  []byte
	trust *verify.Trust
	exp   credential.Expect
}

func load(t testing.TB) vector {
	t.Helper()
	data, err := os.ReadFile("testdata/presentation.json")
	if err != nil {
		t.Fatal(err)
	}
	trust, err := verify.TrustGenesis("testdata/genesis.json")
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Audience, Nonce string
		Now             int64
	}
	b, _ := os.ReadFile("testdata/expect.json")
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return vector{data, trust, credential.Expect{Audience: e.Audience, Nonce: e.Nonce, Now: e.Now}}
}

func TestKnownAnswer(t *testing.T) {
	v := load(t)
	res, err := bundle.Verify(v.data, v.trust, v.exp, bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Credential
	if c.Issuer != "cab" || c.Type != "residency" || c.Kid != "k1" || len(c.Claims) != 1 || string(c.Claims["district"]) != `"Xicheng"` ||
		len(c.Status) != 2 || c.Audience != v.exp.Audience {
		t.Fatalf("%+v", c)
	}
	b, err := bundle.Parse(v.data)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := bundle.Encode(b)
	if !bytes.Equal(again, v.data) {
		t.Fatal("the vector is not canonical")
	}
	keys, _ := bundle.Needed(b.Presentation)
	if len(keys) != 5 || !strings.HasPrefix(keys[0], "credentials/issued/cab/") || !strings.HasPrefix(keys[1], "credentials/list/cab/") || !strings.HasPrefix(keys[3], "identity/acct/") || keys[4] != "identity/issuer/cab" {
		t.Fatalf("needed keys %q", keys)
	}
}

func TestRefusals(t *testing.T) {
	v := load(t)
	b, _ := bundle.Parse(v.data)
	reencode := func(f func(b *bundle.Bundle)) []byte {
		c, _ := bundle.Parse(v.data)
		f(c)
		out, _ := bundle.Encode(c)
		return out
	}
	other := v.exp
	other.Audience = "did:govchain:x:mof"
	late := v.exp
	late.Now += 3600
	sd, _ := credential.Parse(b.Presentation)
	cases := []struct {
		name string
		data []byte
		exp  credential.Expect
		opt  bundle.Options
		want error
	}{
		{"another audience", v.data, other, bundle.Options{}, credential.ErrAudience},
		{"stale key binding", v.data, late, bundle.Options{}, credential.ErrStale},
		{"old state", v.data, late, bundle.Options{MaxStateAge: 60e9}, bundle.ErrStaleData},
		{"not canonical", append(append([]byte{}, v.data...), '\n'), v.exp, bundle.Options{}, bundle.ErrFormat},
		{"unknown field", bytes.Replace(v.data, []byte(`{"format"`), []byte(`{"x":1,"format"`), 1), v.exp, bundle.Options{}, bundle.ErrFormat},
		{"a proof missing", reencode(func(b *bundle.Bundle) { b.Proofs = b.Proofs[1:] }), v.exp, bundle.Options{}, bundle.ErrProofs},
		{"another chain id", reencode(func(b *bundle.Bundle) { b.ChainID = "other" }), v.exp, bundle.Options{}, bundle.ErrProofs},
		{"a changed proven value", reencode(func(b *bundle.Bundle) {
			s := *b.Proofs[1].Value
			s = "AAAA" + s[4:]
			b.Proofs[1].Value = &s
		}), v.exp, bundle.Options{}, verify.ErrStateProof},
		{"proofs under two anchors", reencode(func(b *bundle.Bundle) {
			b.Proofs[2].Anchor.AppHash = b.Proofs[2].Anchor.StateRoot
		}), v.exp, bundle.Options{}, verify.ErrMismatch},
		{"a tampered disclosure", reencode(func(b *bundle.Bundle) {
			d, _ := credential.NewDisclosure("c2FsdHNhbHRzYWx0c2FsdA", "district", "Haidian")
			s := *sd
			s.Disclosures = []string{d.Encoded}
			b.Presentation = s.String()
		}), v.exp, bundle.Options{}, credential.ErrDisclosure},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := bundle.Verify(c.data, v.trust, c.exp, c.opt)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	v := load(f)
	f.Add(v.data)
	f.Add([]byte(`{"format":"govchain/credential-presentation/v1","chain_id":"c","presentation":"a.b.c~","proofs":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := bundle.Parse(data)
		if err != nil {
			return
		}
		again, err := bundle.Encode(b)
		if err != nil || !bytes.Equal(again, data) {
			t.Fatal("a parsed bundle is not its canonical form")
		}
		bundle.Verify(data, v.trust, v.exp, bundle.Options{})
	})
}

// BenchmarkVerifyOffline is the issue's "credential verification time
// offline (with status proof)": the whole of govchain credential verify
// but reading the file: five state proofs (issuer, registration, holder,
// two status lists, one of 131072 bits) under one anchor whose headers are
// checked once from genesis, the issuer's signature, the disclosures and
// the key binding.
func BenchmarkVerifyOffline(b *testing.B) {
	v := load(b)
	for b.Loop() {
		if _, err := bundle.Verify(v.data, v.trust, v.exp, bundle.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
