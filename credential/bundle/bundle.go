// Package bundle is the credential presentation bundle: an SD-JWT VC
// presentation (with its key-binding JWT) and the state proofs a verifier
// needs to check it offline trusting only the chain's genesis: the
// issuer's record in x/identity (keys and authorisations with their
// periods), the holder's account (its key), and each status list the
// credential names (x/credentials). docs/credentials.md specifies the
// format byte for byte.
//
// It is pure (no clock, no I/O): the verifier's time comes in Expect.Now.
// It must not import api, node or net/http; it builds for WebAssembly.
package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/credential"
	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/x/credentials"
	"github.com/govchain/govchain/x/identity"
)

// Format names this version of the bundle.
const Format = "govchain/credential-presentation/v1"

// MaxBundle bounds a bundle file.
const MaxBundle = 4 << 20

// MaxProofs bounds the proofs of a bundle: issuer, holder, registration
// and at most eight status lists.
const MaxProofs = 11

// Errors.
var (
	ErrFormat    = errors.New("bundle: not a canonical credential presentation bundle")
	ErrProofs    = errors.New("bundle: the proofs are not exactly the keys the credential needs, at one height")
	ErrStaleData = errors.New("bundle: the proven state is older than the verifier accepts")
)

// Bundle is a presentation with its proofs.
type Bundle struct {
	Format       string              `json:"format"`
	ChainID      string              `json:"chain_id"`
	Presentation string              `json:"presentation"`
	Proofs       []verify.StateProof `json:"proofs"`
}

// Needed lists the state keys (full keys, sorted) whose proofs a
// presentation needs: identity/issuer/<dept>, identity/acct/<holder>,
// credentials/issued/<dept>/<digest of the issuer JWT> and
// credentials/list/<dept>/<list> for each status entry. It reads the
// issuer JWT without checking it (Verify does).
func Needed(presentation string) ([]string, error) {
	sd, err := credential.Parse(presentation)
	if err != nil {
		return nil, err
	}
	p, err := credential.UnverifiedPayload(sd)
	if err != nil {
		return nil, err
	}
	iss, err := credential.ParseDID(p.Iss)
	if err != nil || iss.Department == "" {
		return nil, fmt.Errorf("%w: issuer %q", credential.ErrMalformed, p.Iss)
	}
	var sub struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(p.CredentialSubject, &sub); err != nil {
		return nil, fmt.Errorf("%w: credentialSubject", credential.ErrMalformed)
	}
	holder, err := credential.ParseDID(sub.ID)
	if err != nil || holder.Account == "" {
		return nil, fmt.Errorf("%w: subject %q", credential.ErrMalformed, sub.ID)
	}
	keys := []string{identity.Name + "/" + identity.IssuerStateKey(iss.Department), identity.Name + "/" + identity.AccountStateKey(holder.Account),
		credentials.Name + "/" + credentials.IssuedStateKey(iss.Department, credential.Digest(sd.IssuerJWT))}
	for _, st := range p.CredentialStatus {
		_, dept, list, err := credential.ParseStatusListURL(st.StatusListCredential)
		if err != nil {
			return nil, err
		}
		keys = append(keys, credentials.Name+"/"+credentials.ListStateKey(dept, list))
	}
	return module.SortedUnique(keys), nil
}

// Encode renders a bundle in its canonical form: encoding/json's
// rendering of Bundle (fields in order, no spaces), proofs sorted by key,
// and one line feed.
func Encode(b *Bundle) ([]byte, error) {
	sort.Slice(b.Proofs, func(i, j int) bool { return b.Proofs[i].Key < b.Proofs[j].Key })
	out, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// Parse reads a bundle and refuses any other form than its canonical one.
func Parse(data []byte) (*Bundle, error) {
	if len(data) > MaxBundle {
		return nil, fmt.Errorf("%w: %d bytes", ErrFormat, len(data))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var b Bundle
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if b.Format != Format {
		return nil, fmt.Errorf("%w: format %q", ErrFormat, b.Format)
	}
	if len(b.Proofs) == 0 || len(b.Proofs) > MaxProofs {
		return nil, fmt.Errorf("%w: %d proofs", ErrFormat, len(b.Proofs))
	}
	again, err := Encode(&Bundle{Format: b.Format, ChainID: b.ChainID, Presentation: b.Presentation, Proofs: append([]verify.StateProof{}, b.Proofs...)})
	if err != nil || !bytes.Equal(again, data) {
		return nil, fmt.Errorf("%w: the file differs from its canonical form", ErrFormat)
	}
	return &b, nil
}

// Result is what a bundle proved.
type Result struct {
	Credential *credential.Verified `json:"credential"`
	Height     int64                `json:"height"`     // of the proven state
	StateTime  time.Time            `json:"state_time"` // its block time
	Signed     string               `json:"signed"`     // who signed the header
	Summary    string               `json:"summary"`
}

// Options add to credential.Expect what only the bundle knows.
type Options struct {
	// MaxStateAge refuses state (status lists above all) proven at a block
	// older than this before Expect.Now; 0 accepts any.
	MaxStateAge time.Duration
}

// Verify checks a bundle completely: the proofs are exactly the keys the
// presentation needs, at one height with one anchor, each proof against
// the anchor's state root and the anchor's headers from the trusted
// genesis (verify.VerifyStateProofsShared); then
// the presentation (credential.Verify) against the proven state. The
// chain id is the proofs' (the validators signed it); e.ChainID is
// ignored.
func Verify(data []byte, t *verify.Trust, e credential.Expect, o Options) (*Result, error) {
	b, err := Parse(data)
	if err != nil {
		return nil, err
	}
	need, err := Needed(b.Presentation)
	if err != nil {
		return nil, err
	}
	if len(need) != len(b.Proofs) {
		return nil, fmt.Errorf("%w: %d proofs for %d keys", ErrProofs, len(b.Proofs), len(need))
	}
	for i := range b.Proofs {
		p := &b.Proofs[i]
		if p.Key != need[i] || p.ChainID != b.ChainID || p.Height != b.Proofs[0].Height {
			return nil, fmt.Errorf("%w: proof %d is of %q at height %d", ErrProofs, i, p.Key, p.Height)
		}
	}
	// One height, one anchor: its headers are checked once.
	vals, res, err := verify.VerifyStateProofsShared(b.Proofs, t)
	if err != nil {
		return nil, err
	}
	st := state{}
	for i := range b.Proofs {
		st[b.Proofs[i].Key] = vals[i]
	}
	if o.MaxStateAge > 0 && res.Signed.StateTime.Before(time.Unix(e.Now, 0).Add(-o.MaxStateAge)) {
		return nil, fmt.Errorf("%w: height %d of %s", ErrStaleData, res.Height, res.Signed.StateTime.UTC().Format(time.RFC3339))
	}
	e.ChainID = b.ChainID
	v, err := credential.Verify(b.Presentation, Authority(st), e)
	if err != nil {
		return nil, err
	}
	return &Result{Credential: v, Height: res.Height, StateTime: res.Signed.StateTime, Signed: res.Signed.Words(),
		Summary: fmt.Sprintf("%s credential of %s issued by %s to %s: valid, not revoked or suspended at height %d of %s (signed by %s); disclosed: %s",
			v.Type, b.ChainID, v.Issuer, v.Holder, res.Height, b.ChainID, res.Signed.Words(), strings.Join(claimNames(v), ", "))}, nil
}

func claimNames(v *credential.Verified) []string {
	out := make([]string, 0, len(v.Claims))
	for k := range v.Claims {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// state is proven state: full key to value (nil: proven absent).
type state map[string][]byte

// reader reads a module's part of proven state; a key without a proof
// panics with errNoProof, which the authority turns into an error.
type reader struct {
	s      state
	prefix string
}

type noProof struct{ key string }

func (r reader) Get(k []byte) ([]byte, bool) {
	v, ok := r.s[r.prefix+string(k)]
	if !ok {
		panic(noProof{r.prefix + string(k)})
	}
	return v, v != nil
}

// Authority returns a credential.Authority over proven state (full keys
// to values, nil for a key proven absent); a key without a proof answers
// credential.ErrUnknownState.
func Authority(s map[string][]byte) credential.Authority {
	st := state(s)
	return guarded{credentials.Authority(reader{st, identity.Name + "/"}, reader{st, credentials.Name + "/"})}
}

// guarded turns reader's panic on a key without a proof into an error.
type guarded struct{ a credential.Authority }

func guard(err *error) {
	if p := recover(); p != nil {
		np, ok := p.(noProof)
		if !ok {
			panic(p)
		}
		*err = fmt.Errorf("%w: no proof of %q", credential.ErrUnknownState, np.key)
	}
}

func (g guarded) Issued(dept, digest string) (typ string, at int64, err error) {
	defer guard(&err)
	return g.a.Issued(dept, digest)
}

func (g guarded) IssuerKey(dept, kid string, at int64) (alg string, pub []byte, err error) {
	defer guard(&err)
	return g.a.IssuerKey(dept, kid, at)
}

func (g guarded) Authorized(dept, typ string, at int64) (err error) {
	defer guard(&err)
	return g.a.Authorized(dept, typ, at)
}

func (g guarded) StatusBit(dept, list string, index uint64) (purpose string, set bool, err error) {
	defer guard(&err)
	return g.a.StatusBit(dept, list, index)
}

func (g guarded) HolderKey(addr string) (alg string, pub []byte, err error) {
	defer guard(&err)
	return g.a.HolderKey(addr)
}
