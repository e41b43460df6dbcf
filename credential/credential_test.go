package credential_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/govchain/govchain/credential"
	"github.com/govchain/govchain/crypto"
)

// RFC 9901's example disclosure of family_name "Möbius" (§5.1): our own
// encoding of the array, with the RFC's spacing, gives the RFC's
// disclosure and digest, and parses back.
func TestRFC9901Disclosure(t *testing.T) {
	arr := `["_26bc4LT-ac6q2KI6cBW5es", "family_name", "Möbius"]`
	enc := base64.RawURLEncoding.EncodeToString([]byte(arr))
	if enc != "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0" {
		t.Fatalf("disclosure %s", enc)
	}
	if got := credential.Digest(enc); got != "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0" {
		t.Fatalf("digest %s", got)
	}
	d, err := credential.ParseDisclosure(enc)
	if err != nil || d.Name != "family_name" || d.Salt != "_26bc4LT-ac6q2KI6cBW5es" || string(d.Value) != `"Möbius"` {
		t.Fatalf("%+v %v", d, err)
	}
	// Our own encoding (no spaces) of a claim.
	d2, _ := credential.NewDisclosure("2GLC42sKQveCfGfryNRN9w", "low_income", true)
	if d2.Encoded != "WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwibG93X2luY29tZSIsdHJ1ZV0" ||
		credential.Digest(d2.Encoded) != "cCeCmAIp621anuQOAexSMo6oIywcrKhUR7NylvLsmxk" {
		t.Fatalf("own disclosure %s", d2.Encoded)
	}
}

// fakeChain is an Authority over fixed facts.
type fakeChain struct {
	issuerAlg  string
	issuerPub  []byte
	keyFrom    int64
	authorized map[string][2]int64 // type -> [from, until)
	bits       map[string][]byte   // list -> bits
	purposes   map[string]string
	holders    map[string]*crypto.PrivateKey
	registered map[string]registration // digest of the issuer JWT
}

type registration struct {
	typ string
	at  int64
}

func (f *fakeChain) Issued(dept, digest string) (string, int64, error) {
	r, ok := f.registered[digest]
	if !ok || dept != "cab" {
		return "", 0, errors.New("not registered")
	}
	return r.typ, r.at, nil
}

func (f *fakeChain) IssuerKey(dept, kid string, at int64) (string, []byte, error) {
	if dept != "cab" || kid != "k1" || at < f.keyFrom {
		return "", nil, fmt.Errorf("no key %s/%s at %d", dept, kid, at)
	}
	return f.issuerAlg, f.issuerPub, nil
}
func (f *fakeChain) Authorized(dept, typ string, at int64) error {
	iv, ok := f.authorized[typ]
	if !ok || dept != "cab" || at < iv[0] || (iv[1] != 0 && at >= iv[1]) {
		return errors.New("not authorised")
	}
	return nil
}
func (f *fakeChain) StatusBit(dept, list string, i uint64) (string, bool, error) {
	b, ok := f.bits[list]
	if !ok {
		return "", false, credential.ErrUnknownState
	}
	return f.purposes[list], credential.BitAt(b, i), nil
}
func (f *fakeChain) HolderKey(addr string) (string, []byte, error) {
	k := f.holders[addr]
	if k == nil {
		return "", nil, errors.New("unknown account")
	}
	return k.Algorithm, k.PublicKey(), nil
}

const now = 1_800_000_000

type env struct {
	chain  *fakeChain
	issuer credential.Signer
	holder *crypto.PrivateKey
	cred   string
	exp    credential.Expect
}

func newEnv(t testing.TB, issuerAlg, holderAlg string) *env {
	ik, _ := crypto.GenerateKey(issuerAlg, nil)
	hk, _ := crypto.GenerateKey(holderAlg, nil)
	f := &fakeChain{issuerAlg: issuerAlg, issuerPub: ik.PublicKey(), keyFrom: now - 1000,
		authorized: map[string][2]int64{"residency": {now - 1000, 0}},
		bits:       map[string][]byte{"rev": make([]byte, 16), "sus": make([]byte, 16)},
		purposes:   map[string]string{"rev": credential.PurposeRevocation, "sus": credential.PurposeSuspension},
		holders:    map[string]*crypto.PrivateKey{hk.Address(): hk}, registered: map[string]registration{}}
	e := &env{chain: f, issuer: credential.Signer{Key: ik, Kid: "k1"}, holder: hk,
		exp: credential.Expect{ChainID: "gov-test", Audience: "did:govchain:gov-test:mca", Nonce: "n-123", Now: now}}
	cred, err := credential.Issue(credential.Issuance{ChainID: "gov-test", Issuer: "cab", Type: "residency",
		Holder: hk.Address(), HolderAlg: hk.Algorithm, HolderKey: hk.PublicKey(), IssuedAt: now - 100, ValidUntil: now + 86400,
		Claims: []credential.Claim{{"district", "Xicheng"}, {"since", 2011}, {"name", "Li Wei"}},
		Status: []credential.StatusRef{{credential.PurposeRevocation, "rev", 7}, {credential.PurposeSuspension, "sus", 7}}},
		e.issuer, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	e.cred = cred
	sd, _ := credential.Parse(cred)
	f.registered[credential.Digest(sd.IssuerJWT)] = registration{"residency", now - 90}
	return e
}

// digestOf is the registration key of e's credential.
func (e *env) digestOf() string {
	sd, _ := credential.Parse(e.cred)
	return credential.Digest(sd.IssuerJWT)
}

func (e *env) present(t testing.TB, names []string) string {
	p, err := credential.Present(e.cred, names, credential.Signer{Key: e.holder}, e.exp.Audience, e.exp.Nonce, now-5)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIssuePresentVerify(t *testing.T) {
	for _, algs := range [][2]string{{crypto.AlgEd25519, crypto.AlgEd25519}, {crypto.AlgSM2, crypto.AlgSM2}, {crypto.AlgSM2, crypto.AlgEd25519}} {
		t.Run(algs[0]+"-"+algs[1], func(t *testing.T) {
			e := newEnv(t, algs[0], algs[1])
			v, err := credential.Verify(e.present(t, []string{"district"}), e.chain, e.exp)
			if err != nil {
				t.Fatal(err)
			}
			if v.Issuer != "cab" || v.Type != "residency" || v.Holder != e.holder.Address() || len(v.Status) != 2 {
				t.Fatalf("%+v", v)
			}
			if len(v.Claims) != 1 || string(v.Claims["district"]) != `"Xicheng"` {
				t.Fatalf("disclosed claims: %s", v.Claims)
			}
			if bytes.Contains(v.Payload, []byte("Li Wei")) {
				t.Fatal("undisclosed claim in the result")
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	e := newEnv(t, crypto.AlgEd25519, crypto.AlgEd25519)
	good := e.present(t, []string{"district", "since"})
	other, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
	cases := []struct {
		name string
		pres func() string
		mod  func(*env) func()
		want error
	}{
		{"issuer not authorised for the type", nil, func(e *env) func() {
			old := e.chain.authorized
			e.chain.authorized = map[string][2]int64{"degree": {0, 0}}
			return func() { e.chain.authorized = old }
		}, credential.ErrIssuer},
		{"issuer authorisation ended before issuance", nil, func(e *env) func() {
			old := e.chain.authorized
			e.chain.authorized = map[string][2]int64{"residency": {now - 1000, now - 500}}
			return func() { e.chain.authorized = old }
		}, credential.ErrIssuer},
		{"not registered on chain", nil, func(e *env) func() {
			r := e.chain.registered[e.digestOf()]
			delete(e.chain.registered, e.digestOf())
			return func() { e.chain.registered[e.digestOf()] = r }
		}, credential.ErrIssuer},
		{"registered as another type", nil, func(e *env) func() {
			r := e.chain.registered[e.digestOf()]
			e.chain.registered[e.digestOf()] = registration{"degree", r.at}
			return func() { e.chain.registered[e.digestOf()] = r }
		}, credential.ErrIssuer},
		{"backdated: registered after the authorisation ended, iat inside it", nil, func(e *env) func() {
			old := e.chain.authorized
			e.chain.authorized = map[string][2]int64{"residency": {now - 1000, now - 95}}
			return func() { e.chain.authorized = old }
		}, credential.ErrIssuer},
		{"revoked", nil, func(e *env) func() {
			credential.SetBit(e.chain.bits["rev"], 7, true)
			return func() { credential.SetBit(e.chain.bits["rev"], 7, false) }
		}, credential.ErrRevoked},
		{"suspended", nil, func(e *env) func() {
			credential.SetBit(e.chain.bits["sus"], 7, true)
			return func() { credential.SetBit(e.chain.bits["sus"], 7, false) }
		}, credential.ErrSuspended},
		{"tampered disclosure", func() string {
			sd, _ := credential.Parse(good)
			d, _ := credential.NewDisclosure("c2FsdHNhbHRzYWx0c2FsdA", "district", "Haidian")
			sd.Disclosures[0] = d.Encoded
			return sd.String()
		}, nil, credential.ErrDisclosure},
		{"tampered disclosure with a fresh key binding", func() string {
			sd, _ := credential.Parse(e.present(t, nil))
			d, _ := credential.NewDisclosure("c2FsdHNhbHRzYWx0c2FsdA", "district", "Haidian")
			sd.Disclosures[0] = d.Encoded
			sd.KBJWT = ""
			p, err := credential.Present(sd.WithoutKB(), nil, credential.Signer{Key: e.holder}, e.exp.Audience, e.exp.Nonce, now)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}, nil, credential.ErrDisclosure},
		{"presented by a key that is not the holder's", func() string {
			p, _ := credential.Present(e.cred, nil, credential.Signer{Key: other}, e.exp.Audience, e.exp.Nonce, now)
			return p
		}, nil, credential.ErrHolder},
		{"holder rotated its key", nil, func(e *env) func() {
			old := e.chain.holders[e.holder.Address()]
			e.chain.holders[e.holder.Address()] = other
			return func() { e.chain.holders[e.holder.Address()] = old }
		}, credential.ErrHolder},
		{"no key binding", func() string { return e.cred }, nil, credential.ErrHolder},
		{"replayed to another audience", nil, func(e *env) func() {
			e.exp.Audience = "did:govchain:gov-test:mof"
			return func() { e.exp.Audience = "did:govchain:gov-test:mca" }
		}, credential.ErrAudience},
		{"another nonce", nil, func(e *env) func() {
			e.exp.Nonce = "n-124"
			return func() { e.exp.Nonce = "n-123" }
		}, credential.ErrNonce},
		{"stale key binding", nil, func(e *env) func() {
			e.exp.Now += 3600
			return func() { e.exp.Now -= 3600 }
		}, credential.ErrStale},
		{"expired", nil, func(e *env) func() {
			e.exp.Now += 2 * 86400
			return func() { e.exp.Now -= 2 * 86400 }
		}, credential.ErrExpired},
		{"wrong chain", nil, func(e *env) func() {
			e.exp.ChainID = "gov-other"
			return func() { e.exp.ChainID = "gov-test" }
		}, credential.ErrChain},
		{"issuer signature", func() string {
			parts := strings.Split(good, ".")
			parts[2] = "A" + parts[2][1:]
			p := strings.Join(parts, ".")
			sd, _ := credential.Parse(p)
			// registered, so that the signature is what fails
			e.chain.registered[credential.Digest(sd.IssuerJWT)] = e.chain.registered[e.digestOf()]
			return p
		}, nil, credential.ErrSignature},
		{"issuer key not in force at issuance", nil, func(e *env) func() {
			e.chain.keyFrom = now
			return func() { e.chain.keyFrom = now - 1000 }
		}, credential.ErrSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := good
			if c.pres != nil {
				p = c.pres()
			}
			if c.mod != nil {
				defer c.mod(e)()
			}
			_, err := credential.Verify(p, e.chain, e.exp)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
	if _, err := credential.Verify(good, e.chain, e.exp); err != nil {
		t.Fatalf("the good presentation after the cases: %v", err)
	}
}

func TestDiscloseRules(t *testing.T) {
	d1, _ := credential.NewDisclosure("c2FsdHNhbHRzYWx0c2FsdA", "a", 1)
	d2, _ := credential.NewDisclosure("c2FsdHNhbHRzYWx0c2FsdB", "b", map[string]any{"x": 1})
	payload := fmt.Sprintf(`{"_sd_alg":"sha-256","b":0,"sub":{"_sd":[%q,%q]},"arr":[{"...":%q}]}`,
		credential.Digest(d1.Encoded), credential.Digest(d2.Encoded), credential.Digest(d1.Encoded))
	if _, err := credential.Disclose([]byte(payload), []string{d1.Encoded}); !errors.Is(err, credential.ErrDisclosure) {
		t.Fatalf("digest twice: %v", err)
	}
	payload = fmt.Sprintf(`{"_sd_alg":"sha-256","sub":{"a":0,"_sd":[%q]}}`, credential.Digest(d1.Encoded))
	if _, err := credential.Disclose([]byte(payload), []string{d1.Encoded}); !errors.Is(err, credential.ErrDisclosure) {
		t.Fatalf("claim over an existing one: %v", err)
	}
	payload = fmt.Sprintf(`{"sub":{"_sd":[%q]}}`, credential.Digest(d2.Encoded))
	out, err := credential.Disclose([]byte(payload), []string{d2.Encoded})
	if err != nil || string(out) != `{"sub":{"b":{"x":1}}}` {
		t.Fatalf("%s %v", out, err)
	}
	if _, err := credential.Disclose([]byte(payload), []string{d2.Encoded, d2.Encoded}); !errors.Is(err, credential.ErrDisclosure) {
		t.Fatalf("disclosure twice: %v", err)
	}
	if _, err := credential.Disclose([]byte(payload), []string{d1.Encoded}); !errors.Is(err, credential.ErrDisclosure) {
		t.Fatalf("unreferenced disclosure: %v", err)
	}
}

func TestDIDs(t *testing.T) {
	d, err := credential.ParseDID("did:govchain:gov-test:" + strings.Repeat("ab", 20))
	if err != nil || d.Account == "" || d.Chain != "gov-test" {
		t.Fatal(d, err)
	}
	if d, err := credential.ParseDID("did:govchain:gov-test:cab"); err != nil || d.Department != "cab" {
		t.Fatal(d, err)
	}
	for _, bad := range []string{"did:govchain:cab", "did:web:x:cab", "did:govchain:gov-test:CAB", "did:govchain:a b:cab"} {
		if _, err := credential.ParseDID(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	k, _ := crypto.GenerateKey(crypto.AlgSM2, nil)
	doc, err := credential.AccountDocument("gov-test", k.Address(), "cab", k.Algorithm, k.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	alg, pub, err := doc.VerificationMethod[0].PublicKeyJwk.Key()
	if err != nil || alg != crypto.AlgSM2 || !bytes.Equal(pub, k.PublicKey()) {
		t.Fatal("SM2 JWK round trip", err)
	}
	b, _ := json.Marshal(doc)
	if !strings.Contains(string(b), `"crv":"SM2"`) {
		t.Fatal(string(b))
	}
}

func TestStatusList(t *testing.T) {
	bits := make([]byte, credential.MinStatusListBits/8)
	credential.SetBit(bits, 0, true)
	credential.SetBit(bits, 131071, true)
	if bits[0] != 0x80 || bits[len(bits)-1] != 0x01 || !credential.BitAt(bits, 0) || credential.BitAt(bits, 1) || credential.BitAt(bits, 1<<40) {
		t.Fatal("bit order")
	}
	if enc := credential.EncodeStatusList(bits); enc[0] != 'u' || len(enc) > 200 {
		t.Fatalf("encoded list %d bytes", len(enc))
	}
}

func FuzzParse(f *testing.F) {
	e := newEnv(f, crypto.AlgEd25519, crypto.AlgEd25519)
	f.Add(e.present(f, nil))
	f.Add(e.cred)
	f.Add("a.b.c~~")
	f.Fuzz(func(t *testing.T, s string) {
		sd, err := credential.Parse(s)
		if err != nil {
			return
		}
		if sd.String() != s {
			t.Fatalf("parse does not round trip")
		}
		credential.Verify(s, e.chain, e.exp)
	})
}

func FuzzParseDisclosure(f *testing.F) {
	f.Add("WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0")
	f.Add("WyJzIiwxXQ")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := credential.ParseDisclosure(s)
		if err != nil {
			return
		}
		if d.Encoded != s || (!d.Element && d.Name == "") {
			t.Fatalf("%+v", d)
		}
	})
}

func FuzzDisclose(f *testing.F) {
	d, _ := credential.NewDisclosure("c2FsdHNhbHRzYWx0c2FsdA", "a", 1)
	f.Add([]byte(fmt.Sprintf(`{"s":{"_sd":[%q]}}`, credential.Digest(d.Encoded))), d.Encoded)
	f.Add([]byte(`{"a":[{"...":1}]}`), "")
	f.Fuzz(func(t *testing.T, payload []byte, disc string) {
		var ds []string
		if disc != "" {
			ds = strings.Split(disc, "~")
		}
		out, err := credential.Disclose(payload, ds)
		if err == nil && !json.Valid(out) {
			t.Fatal("invalid JSON out")
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	e := newEnv(b, crypto.AlgEd25519, crypto.AlgEd25519)
	p := e.present(b, []string{"district"})
	b.ResetTimer()
	for b.Loop() {
		if _, err := credential.Verify(p, e.chain, e.exp); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifySM2(b *testing.B) {
	e := newEnv(b, crypto.AlgSM2, crypto.AlgSM2)
	p := e.present(b, []string{"district"})
	for b.Loop() {
		if _, err := credential.Verify(p, e.chain, e.exp); err != nil {
			b.Fatal(err)
		}
	}
}
