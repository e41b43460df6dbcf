package welfare_test

import (
	"crypto/rand"
	"testing"

	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/credential"
	"github.com/govchain/govchain/x/credentials"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/welfare"
)

// credentialIssuer makes ps an issuer of residency credentials (a
// proposal mof, nrb and cab pass), with the issuer key "ps-k1" and a
// revocation list "rev" kept by its official ps-status.
func (w *world) credentialIssuer() {
	w.t.Helper()
	w.ok("mof", identity.TypePropose, identity.MsgPropose{Action: identity.Action{Kind: identity.KindAuthorizeIssuer, Department: "ps", Name: "residency"}})
	m, _ := identity.GetMeta(w.View(identity.Name))
	for _, d := range []string{"nrb", "cab"} {
		w.ok(d, identity.TypeApprove, identity.MsgApprove{ID: m.NextProposal})
	}
	w.ok("ps", identity.TypeAddIssuerKey, identity.MsgAddIssuerKey{Kid: "k1", Algorithm: w.Key("ps-k1").Algorithm, PublicKey: w.PublicKey("ps-k1")})
	w.ok("ps-status", credentials.TypeCreateList, credentials.MsgCreateList{ID: "rev", Purpose: credential.PurposeRevocation, Size: 1024})
	w.NextBlock()
}

// credentialFor is a residency credential of ps for name, status index idx.
func credentialFor(w *world, name string, idx uint64) string {
	k := w.Key(name)
	c, err := credential.Issue(credential.Issuance{ChainID: moduletest.ChainID, Issuer: "ps", Type: "residency", Holder: k.Address(),
		HolderAlg: k.Algorithm, HolderKey: k.PublicKey(), IssuedAt: w.Time().Unix(), ValidUntil: w.Time().Unix() + 30*86400,
		Claims: []credential.Claim{{Name: "district", Value: "Xicheng"}}, Status: []credential.StatusRef{{Purpose: credential.PurposeRevocation, List: "rev", Index: idx}}},
		credential.Signer{Key: w.Key("ps-k1"), Kid: "k1"}, rand.Reader)
	if err != nil {
		w.t.Fatal(err)
	}
	sd, _ := credential.Parse(c)
	w.ok("ps-status", credentials.TypeRegister, credentials.MsgRegister{Digest: credential.Digest(sd.IssuerJWT), Type: "residency"})
	return c
}

// presentation is name's residency credential presented to program.
func presentation(w *world, program, name string) welfare.MsgPresentCredential {
	p, err := credential.Present(credentialFor(w, name, 1), nil, credential.Signer{Key: w.Key(name)},
		welfare.CredentialAudience(program), welfare.CredentialNonce(program, w.Addr(name)), w.Time().Unix())
	if err != nil {
		w.t.Fatal(err)
	}
	return welfare.MsgPresentCredential{Program: "P-1", Presentation: p}
}

// Eligibility proven by a credential instead of the residency
// attestation: the presentation records the attestation, and the
// enrolment is paid; a revoked credential, one presented to another
// program, by another key, or stale, is refused.
func TestEligibilityByCredential(t *testing.T) {
	w := newWorld(t)
	w.credentialIssuer()
	w.ok("officer", welfare.TypeCreateProgram, program("P-1", 100))
	w.ok("alice", welfare.TypeEnrol, welfare.MsgEnrol{Program: "P-1"})
	w.ok("civil", welfare.TypeAttest, welfare.MsgAttest{Program: "P-1", Beneficiary: w.Addr("alice"), Kind: "low_income", Digest: digest("ai")})

	cred := credentialFor(w, "alice", 7)
	present := func(by string, aud, nonce string, at int64) welfare.MsgPresentCredential {
		p, err := credential.Present(cred, []string{"district"}, credential.Signer{Key: w.Key(by)}, aud, nonce, at)
		if err != nil {
			t.Fatal(err)
		}
		return welfare.MsgPresentCredential{Program: "P-1", Presentation: p}
	}
	aud, nonce, now := welfare.CredentialAudience("P-1"), welfare.CredentialNonce("P-1", w.Addr("alice")), w.Time().Unix()
	w.refused(welfare.ErrBadCredential.Code, "alice", welfare.TypePresentCredential, present("alice", "welfare:P-2", nonce, now))
	w.refused(welfare.ErrBadCredential.Code, "alice", welfare.TypePresentCredential, present("alice", aud, "P-1/"+w.Addr("bob"), now))
	w.refused(welfare.ErrBadCredential.Code, "alice", welfare.TypePresentCredential, present("bob", aud, nonce, now))
	w.refused(welfare.ErrBadCredential.Code, "alice", welfare.TypePresentCredential, present("alice", aud, nonce, now-1000))
	w.refused(welfare.ErrBadCredential.Code, "alice", welfare.TypePresentCredential, welfare.MsgPresentCredential{Program: "P-1", Presentation: cred})
	// Signed by ps but never registered on chain: no issuance to check it against.
	k := w.Key("alice")
	unregistered, _ := credential.Issue(credential.Issuance{ChainID: moduletest.ChainID, Issuer: "ps", Type: "residency", Holder: k.Address(),
		HolderAlg: k.Algorithm, HolderKey: k.PublicKey(), IssuedAt: now}, credential.Signer{Key: w.Key("ps-k1"), Kid: "k1"}, rand.Reader)
	up, _ := credential.Present(unregistered, nil, credential.Signer{Key: k}, aud, nonce, now)
	w.refused(welfare.ErrBadCredential.Code, "alice", welfare.TypePresentCredential, welfare.MsgPresentCredential{Program: "P-1", Presentation: up})

	w.ok("alice", welfare.TypePresentCredential, present("alice", aud, nonce, now))
	a, ok, err := welfare.GetAttestation(w.View(welfare.Name), w.Addr("alice"), "residency", "ps")
	if err != nil || !ok || a.Expires != now+30*86400 {
		t.Fatalf("attestation %+v %v %v", a, ok, err)
	}
	p, _ := welfare.GetProgram(w.View(welfare.Name), "P-1")
	e, _ := welfare.GetEnrolment(w.View(welfare.Name), "P-1", w.Addr("alice"))
	if ok, err := welfare.Eligible(w.View(welfare.Name), p, e, now); !ok || err != nil {
		t.Fatalf("not eligible: %v", err)
	}

	// Revoked: a new presentation is refused.
	w.ok("ps-status", credentials.TypeRevoke, credentials.MsgStatus{List: "rev", Index: 7})
	w.NextBlock()
	w.refused(welfare.ErrBadCredential.Code, "alice", welfare.TypePresentCredential, present("alice", aud, nonce, w.Time().Unix()))
}
