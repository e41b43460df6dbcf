package identity_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/x/identity"
)

// The issuer registry: the consortium authorises a department for a
// credential type and ends it; the department's admins add and retire its
// keys; the record keeps every period, so a time inside one is answered
// by it and a time outside by a refusal.
func TestIssuerRegistry(t *testing.T) {
	w := moduletest.New(t, identity.New())
	for _, d := range []string{"mof", "nrb", "cab"} {
		w.Department(d)
	}
	w.Threshold(2)
	pass := func(a identity.Action) *identity.Proposal {
		t.Helper()
		w.ExpectOK(t, "mof", identity.TypePropose, identity.MsgPropose{Action: a})
		m, _ := identity.GetMeta(w.View(identity.Name))
		w.ExpectOK(t, "nrb", identity.TypeApprove, identity.MsgApprove{ID: m.NextProposal})
		p, _ := identity.GetProposal(w.View(identity.Name), m.NextProposal)
		return p
	}
	view := func() module.Reader { return w.View(identity.Name) }
	if err := identity.AuthorizedAt(view(), "cab", "residency", w.Time().Unix()); !errors.Is(err, identity.ErrUnknownIssuer) {
		t.Fatalf("before: %v", err)
	}
	t0 := w.Time().Unix()
	if p := pass(identity.Action{Kind: identity.KindAuthorizeIssuer, Department: "cab", Name: "residency"}); p.Status != identity.StatusExecuted {
		t.Fatalf("%+v", p)
	}
	// Authorising twice is refused when proposed.
	w.ExpectCode(t, identity.ErrAlreadyAuthorized.Code, "mof", identity.TypePropose,
		identity.MsgPropose{Action: identity.Action{Kind: identity.KindAuthorizeIssuer, Department: "cab", Name: "residency"}})
	w.ExpectCode(t, identity.ErrBadProposal.Code, "mof", identity.TypePropose,
		identity.MsgPropose{Action: identity.Action{Kind: identity.KindAuthorizeIssuer, Department: "cab", Name: "Bad Type"}})
	w.ExpectCode(t, identity.ErrUnknownDepartment.Code, "mof", identity.TypePropose,
		identity.MsgPropose{Action: identity.Action{Kind: identity.KindAuthorizeIssuer, Department: "nobody", Name: "residency"}})

	w.NextBlock()
	w.ExpectOK(t, "cab", identity.TypeAddIssuerKey, identity.MsgAddIssuerKey{Kid: "k1", Algorithm: crypto.AlgEd25519, PublicKey: w.PublicKey("k1")})
	k2, _ := crypto.GenerateKey(crypto.AlgSM2, nil)
	w.NextBlocks(10)
	tMid := w.Time().Unix()
	w.ExpectOK(t, "cab", identity.TypeAddIssuerKey, identity.MsgAddIssuerKey{Kid: "k2", Algorithm: crypto.AlgSM2, PublicKey: k2.PublicKey()})
	w.ExpectOK(t, "cab", identity.TypeRetireIssuerKey, identity.MsgRetireIssuerKey{Kid: "k1"})
	w.NextBlocks(10)
	tEnd := w.Time().Unix()
	if p := pass(identity.Action{Kind: identity.KindDeauthorizeIssuer, Department: "cab", Name: "residency"}); p.Status != identity.StatusExecuted {
		t.Fatalf("%+v", p)
	}
	w.ExpectCode(t, identity.ErrNotAuthorizedIssuer.Code, "mof", identity.TypePropose,
		identity.MsgPropose{Action: identity.Action{Kind: identity.KindDeauthorizeIssuer, Department: "cab", Name: "residency"}})

	r := view()
	if err := identity.AuthorizedAt(r, "cab", "residency", t0+5); err != nil {
		t.Fatalf("during: %v", err)
	}
	if err := identity.AuthorizedAt(r, "cab", "residency", tEnd+1); !errors.Is(err, identity.ErrNotAuthorizedIssuer) {
		t.Fatalf("after: %v", err)
	}
	if err := identity.AuthorizedAt(r, "cab", "degree", t0+5); !errors.Is(err, identity.ErrNotAuthorizedIssuer) {
		t.Fatalf("other type: %v", err)
	}
	if _, pub, err := identity.IssuerKeyAt(r, "cab", "k1", tMid-1); err != nil || !bytes.Equal(pub, w.PublicKey("k1")) {
		t.Fatalf("k1 in force: %v", err)
	}
	if _, _, err := identity.IssuerKeyAt(r, "cab", "k1", tMid); !errors.Is(err, identity.ErrUnknownIssuerKey) {
		t.Fatalf("k1 retired: %v", err)
	}
	if alg, _, err := identity.IssuerKeyAt(r, "cab", "k2", tMid); err != nil || alg != crypto.AlgSM2 {
		t.Fatalf("k2: %v", err)
	}
	is, _ := identity.GetIssuer(r, "cab")
	if len(is.Authorizations) != 1 || is.Authorizations[0].Until == 0 || len(is.Keys) != 2 {
		t.Fatalf("history %+v", is)
	}
	// Re-authorising opens a second period; the first stays in the history.
	pass(identity.Action{Kind: identity.KindAuthorizeIssuer, Department: "cab", Name: "residency"})
	is, _ = identity.GetIssuer(view(), "cab")
	if len(is.Authorizations) != 2 {
		t.Fatalf("history %+v", is)
	}
}

// Malformed issuer messages and proposals are refused before any state
// is read.
func TestIssuerMalformed(t *testing.T) {
	w := moduletest.New(t, identity.New())
	for _, d := range []string{"mof", "nrb", "cab"} {
		w.Department(d)
	}
	bad := module.ErrInvalidField.Code
	w.ExpectCode(t, bad, "cab", identity.TypeAddIssuerKey, identity.MsgAddIssuerKey{Kid: "", Algorithm: crypto.AlgEd25519, PublicKey: w.PublicKey("k")})
	w.ExpectCode(t, bad, "cab", identity.TypeAddIssuerKey, identity.MsgAddIssuerKey{Kid: "a/b", Algorithm: crypto.AlgEd25519, PublicKey: w.PublicKey("k")})
	w.ExpectCode(t, identity.ErrBadKey.Code, "cab", identity.TypeAddIssuerKey, identity.MsgAddIssuerKey{Kid: "k1", Algorithm: crypto.AlgEd25519, PublicKey: []byte{1, 2}})
	w.ExpectCode(t, identity.ErrBadKey.Code, "cab", identity.TypeAddIssuerKey, identity.MsgAddIssuerKey{Kid: "k1", Algorithm: "rsa", PublicKey: w.PublicKey("k")})
	w.ExpectCode(t, bad, "cab", identity.TypeRetireIssuerKey, identity.MsgRetireIssuerKey{Kid: string(make([]byte, 33))})
	w.ExpectCode(t, module.ErrBadMessage.Code, "cab", identity.TypeAddIssuerKey, []string{"x"})
	w.ExpectCode(t, identity.ErrBadProposal.Code, "mof", identity.TypePropose,
		identity.MsgPropose{Action: identity.Action{Kind: identity.KindDeauthorizeIssuer, Department: "Bad", Name: "residency"}})
	// The same key twice under two ids is refused while the first is in force.
	w.ExpectOK(t, "cab", identity.TypeAddIssuerKey, identity.MsgAddIssuerKey{Kid: "k1", Algorithm: crypto.AlgEd25519, PublicKey: w.PublicKey("k")})
	w.ExpectCode(t, identity.ErrIssuerKeyExists.Code, "cab", identity.TypeAddIssuerKey, identity.MsgAddIssuerKey{Kid: "k2", Algorithm: crypto.AlgEd25519, PublicKey: w.PublicKey("k")})
}
