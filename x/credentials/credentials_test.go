package credentials_test

import (
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/credential"
	"github.com/govchain/govchain/x/credentials"
	"github.com/govchain/govchain/x/identity"
)

// world: the consortium mof, nrb, cab (m = 2); cab is authorised to issue
// residency credentials, and its official "issuer" keeps its lists; nrb's
// "nrb-issuer" holds the role but nrb is no issuer.
func world(t *testing.T) *moduletest.World {
	w := moduletest.New(t, identity.New(), credentials.New())
	for _, d := range []string{"mof", "nrb", "cab"} {
		w.Department(d)
	}
	w.Threshold(2)
	w.Official("issuer", "cab", credentials.RoleIssuer)
	w.Official("clerk", "cab", identity.RoleRegistrar)
	w.Official("nrb-issuer", "nrb", credentials.RoleIssuer)
	w.Citizen("citizen", "cab")
	Authorize(t, w, "cab", "residency")
	return w
}

// Authorize passes an authorize_issuer proposal (mof proposes, nrb
// approves).
func Authorize(t *testing.T, w *moduletest.World, dept, typ string) {
	t.Helper()
	w.ExpectOK(t, "mof", identity.TypePropose, identity.MsgPropose{Action: identity.Action{Kind: identity.KindAuthorizeIssuer, Department: dept, Name: typ}})
	m, _ := identity.GetMeta(w.View(identity.Name))
	w.ExpectOK(t, "nrb", identity.TypeApprove, identity.MsgApprove{ID: m.NextProposal})
}

func TestRoleTable(t *testing.T) {
	w := world(t)
	un := module.ErrUnauthorized.Code
	w.ExpectOK(t, "issuer", credentials.TypeCreateList, credentials.MsgCreateList{ID: "sus", Purpose: credential.PurposeSuspension, Size: 64})
	w.ExpectOK(t, "issuer", credentials.TypeSuspend, credentials.MsgStatus{List: "sus", Index: 9})
	digest := credential.Digest("a.b.c")
	moduletest.CheckRoleTable(t, w, credentials.New(), moduletest.RoleTable{
		{Type: credentials.TypeRegister, Roles: []string{credentials.RoleIssuer}, Body: credentials.MsgRegister{Digest: digest, Type: "residency"}, Attempts: []moduletest.Attempt{
			{Signer: "clerk", Code: un},
			{Signer: "citizen", Code: un},
			{Signer: "nrb-issuer", Code: identity.ErrUnknownIssuer.Code}, // nrb issues nothing
			{Signer: "issuer", Code: identity.ErrNotAuthorizedIssuer.Code, Body: credentials.MsgRegister{Digest: digest, Type: "degree"}}, // cab: residency only
			{Signer: "issuer"},
			{Signer: "issuer", Code: credentials.ErrRegistered.Code},
		}},
		{Type: credentials.TypeCreateList, Roles: []string{credentials.RoleIssuer}, Body: credentials.MsgCreateList{ID: "rev", Purpose: credential.PurposeRevocation, Size: 1024}, Attempts: []moduletest.Attempt{
			{Signer: "clerk", Code: un},
			{Signer: "citizen", Code: un},
			{Signer: "cab", Code: un}, // the admin holds no issuer role
			{Signer: "nrb-issuer", Code: credentials.ErrNotIssuer.Code},
			{Signer: "issuer"},
			{Signer: "issuer", Code: credentials.ErrListExists.Code},
		}},
		{Type: credentials.TypeRevoke, Roles: []string{credentials.RoleIssuer}, Body: credentials.MsgStatus{List: "rev", Index: 5}, Attempts: []moduletest.Attempt{
			{Signer: "clerk", Code: un},
			{Signer: "citizen", Code: un},
			{Signer: "nrb-issuer", Code: credentials.ErrUnknownList.Code}, // another department's list
			{Signer: "issuer", Code: credentials.ErrIndexRange.Code, Body: credentials.MsgStatus{List: "rev", Index: 1024}},
			{Signer: "issuer", Code: credentials.ErrWrongPurpose.Code, Body: credentials.MsgStatus{List: "sus", Index: 5}},
			{Signer: "issuer"},
			{Signer: "issuer", Code: credentials.ErrAlreadyRevoked.Code},
		}},
		{Type: credentials.TypeSuspend, Roles: []string{credentials.RoleIssuer}, Body: credentials.MsgStatus{List: "sus", Index: 5}, Attempts: []moduletest.Attempt{
			{Signer: "clerk", Code: un},
			{Signer: "citizen", Code: un},
			{Signer: "issuer", Code: credentials.ErrWrongPurpose.Code, Body: credentials.MsgStatus{List: "rev", Index: 6}},
			{Signer: "issuer"},
			{Signer: "issuer", Code: credentials.ErrAlreadySuspended.Code},
		}},
		{Type: credentials.TypeUnsuspend, Roles: []string{credentials.RoleIssuer}, Body: credentials.MsgStatus{List: "sus", Index: 9}, Attempts: []moduletest.Attempt{
			{Signer: "clerk", Code: un},
			{Signer: "citizen", Code: un},
			{Signer: "issuer", Code: credentials.ErrNotSuspended.Code, Body: credentials.MsgStatus{List: "sus", Index: 10}},
			{Signer: "issuer"},
			{Signer: "issuer", Code: credentials.ErrNotSuspended.Code},
		}},
	})
}

func TestGrantTable(t *testing.T) {
	w := world(t)
	moduletest.CheckGrantTable(t, w, credentials.New(), moduletest.GrantTable{
		{Role: credentials.RoleIssuer, Grantors: []string{module.AnyDepartment}},
	})
}

// The bits land where the W3C Bitstring Status List puts them, the
// count follows, and the encoded list is derived when read.
func TestStatusBits(t *testing.T) {
	w := world(t)
	w.ExpectOK(t, "issuer", credentials.TypeCreateList, credentials.MsgCreateList{ID: "rev", Purpose: credential.PurposeRevocation, Size: credential.MinStatusListBits})
	for _, i := range []uint64{0, 9, credential.MinStatusListBits - 1} {
		w.ExpectOK(t, "issuer", credentials.TypeRevoke, credentials.MsgStatus{List: "rev", Index: i, Reason: "moved away"})
	}
	l, err := credentials.GetList(w.View(credentials.Name), "cab", "rev")
	if err != nil {
		t.Fatal(err)
	}
	if l.Set != 3 || l.Bits[0] != 0x80 || l.Bits[1] != 0x40 || l.Bits[len(l.Bits)-1] != 0x01 || len(l.Bits) != 16384 {
		t.Fatalf("bits %x %x %x, set %d", l.Bits[0], l.Bits[1], l.Bits[len(l.Bits)-1], l.Set)
	}
	purpose, set, err := credentials.StatusBit(w.View(credentials.Name), "cab", "rev", 9)
	if err != nil || !set || purpose != credential.PurposeRevocation {
		t.Fatal(purpose, set, err)
	}
	if _, set, _ := credentials.StatusBit(w.View(credentials.Name), "cab", "rev", 10); set {
		t.Fatal("bit 10 set")
	}
	l.Present(module.ReadView{})
	if l.EncodedList == "" || l.EncodedList[0] != 'u' {
		t.Fatal(l.EncodedList)
	}
}

// Malformed messages: list ids, purposes, sizes, reasons.
func TestMalformed(t *testing.T) {
	w := world(t)
	bad := module.ErrInvalidField.Code
	for _, c := range []struct {
		code uint32
		typ  string
		body any
	}{
		{bad, credentials.TypeCreateList, credentials.MsgCreateList{ID: "Bad/ID", Purpose: credential.PurposeRevocation, Size: 8}},
		{credentials.ErrBadPurpose.Code, credentials.TypeCreateList, credentials.MsgCreateList{ID: "a", Purpose: "refresh", Size: 8}},
		{credentials.ErrBadSize.Code, credentials.TypeCreateList, credentials.MsgCreateList{ID: "a", Purpose: credential.PurposeRevocation, Size: 7}},
		{credentials.ErrBadSize.Code, credentials.TypeCreateList, credentials.MsgCreateList{ID: "a", Purpose: credential.PurposeRevocation, Size: credentials.MaxListBits + 8}},
		{bad, credentials.TypeRevoke, credentials.MsgStatus{List: "", Index: 1}},
		{bad, credentials.TypeRevoke, credentials.MsgStatus{List: "a", Reason: string(make([]byte, 257))}},
		{module.ErrBadMessage.Code, credentials.TypeRevoke, []int{1, 2}},
		{credentials.ErrBadDigest.Code, credentials.TypeRegister, credentials.MsgRegister{Digest: "short", Type: "residency"}},
		{bad, credentials.TypeRegister, credentials.MsgRegister{Digest: credential.Digest("x"), Type: "Residency"}},
	} {
		w.ExpectCode(t, c.code, "issuer", c.typ, c.body)
	}
}

// Every message body, from arbitrary bytes: the handler never panics, and
// a refusal carries a code and a message.
func FuzzCredentialsBodies(f *testing.F) {
	types := []string{credentials.TypeCreateList, credentials.TypeRevoke, credentials.TypeSuspend, credentials.TypeUnsuspend, credentials.TypeRegister}
	seeds := []any{credentials.MsgCreateList{ID: "x", Purpose: credential.PurposeRevocation, Size: 64}, credentials.MsgStatus{List: "rev", Index: 3},
		credentials.MsgStatus{List: "sus", Index: 3}, credentials.MsgStatus{List: "sus", Index: 4}, credentials.MsgRegister{Digest: credential.Digest("x"), Type: "residency"}}
	for i, s := range seeds {
		f.Add(uint8(i), codec.MustMarshal(s))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		w := world(t)
		w.ExpectOK(t, "issuer", credentials.TypeCreateList, credentials.MsgCreateList{ID: "rev", Purpose: credential.PurposeRevocation, Size: 64})
		w.ExpectOK(t, "issuer", credentials.TypeCreateList, credentials.MsgCreateList{ID: "sus", Purpose: credential.PurposeSuspension, Size: 64})
		r := w.Exec("issuer", types[int(which)%len(types)], body)
		if r.Panic != "" {
			t.Fatalf("%s", r)
		}
		if r.Err != nil && r.Err.Error() == "" {
			t.Fatalf("%s: refused without a message", r)
		}
	})
}

// A registration records the block time: the issuance a verifier checks
// the issuer against.
func TestRegister(t *testing.T) {
	w := world(t)
	d := credential.Digest("a.b.c")
	w.ExpectOK(t, "issuer", credentials.TypeRegister, credentials.MsgRegister{Digest: d, Type: "residency"})
	is, err := credentials.GetIssued(w.View(credentials.Name), "cab", d)
	if err != nil || is.Time != w.Time().Unix() || is.Type != "residency" || is.By != w.Addr("issuer") {
		t.Fatalf("%+v %v", is, err)
	}
	typ, at, err := credentials.Authority(w.View(identity.Name), w.View(credentials.Name)).Issued("cab", d)
	if err != nil || typ != "residency" || at != is.Time {
		t.Fatal(typ, at, err)
	}
}
