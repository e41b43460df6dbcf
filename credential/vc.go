package credential

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"
)

// JWS typ values: the issuer-signed W3C VC as SD-JWT, and the key-binding
// JWT (RFC 9901 §4.3).
const (
	TypVC = "vc+sd-jwt"
	TypKB = "kb+jwt"
)

// Status purposes (Bitstring Status List).
const (
	PurposeRevocation = "revocation"
	PurposeSuspension = "suspension"
)

// VCContext is the W3C VC 2.0 base context.
const VCContext = "https://www.w3.org/ns/credentials/v2"

// Claim is one selectively disclosable claim of the credential subject.
type Claim struct {
	Name  string
	Value any
}

// StatusRef points at a credential's bit in one of its issuer's status
// lists.
type StatusRef struct {
	Purpose string
	List    string
	Index   uint64
}

// Issuance is what an issuing department puts in a credential.
type Issuance struct {
	ChainID    string
	Issuer     string // department id
	Type       string // credential type, e.g. residency
	Holder     string // the citizen's account address
	HolderAlg  string // its key algorithm and key: cnf.jwk, the key binding
	HolderKey  []byte
	IssuedAt   int64 // unix seconds
	ValidUntil int64 // unix seconds; 0: no end
	Claims     []Claim
	Status     []StatusRef
}

// StatusEntry is a BitstringStatusListEntry as the credential carries it.
type StatusEntry struct {
	ID                   string `json:"id"`
	Type                 string `json:"type"`
	StatusPurpose        string `json:"statusPurpose"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

// Payload is the issuer-signed JWT's claims: W3C VC 2.0 properties with
// the SD-JWT VC ones (iss, iat, exp, vct, cnf, _sd_alg). The subject's
// claims are all selectively disclosable: credentialSubject holds only
// its id and "_sd".
type Payload struct {
	Context           []string        `json:"@context"`
	Type              []string        `json:"type"`
	Issuer            string          `json:"issuer"`
	ValidFrom         string          `json:"validFrom"`
	ValidUntil        string          `json:"validUntil,omitempty"`
	CredentialSubject json.RawMessage `json:"credentialSubject"`
	CredentialStatus  []StatusEntry   `json:"credentialStatus,omitempty"`
	Iss               string          `json:"iss"`
	Iat               int64           `json:"iat"`
	Exp               int64           `json:"exp,omitempty"`
	Vct               string          `json:"vct"`
	SDAlg             string          `json:"_sd_alg"`
	Cnf               struct {
		JWK JWK `json:"jwk"`
	} `json:"cnf"`
}

type subject struct {
	ID string   `json:"id"`
	SD []string `json:"_sd"`
}

func rfc3339(t int64) string { return time.Unix(t, 0).UTC().Format(time.RFC3339) }

// Issue makes an SD-JWT VC (without key binding; it ends with '~'): every
// claim a salted disclosure of 128-bit salts read from salts, their
// digests sorted in credentialSubject._sd.
func Issue(is Issuance, s Signer, salts io.Reader) (string, error) {
	if !ValidType(is.Type) || !chainRe.MatchString(is.ChainID) || !deptRe.MatchString(is.Issuer) || !accountRe.MatchString(is.Holder) {
		return "", fmt.Errorf("%w: issuance needs a chain id, issuer department, type and holder address", ErrMalformed)
	}
	if s.Kid == "" {
		return "", fmt.Errorf("%w: issuer key id", ErrMalformed)
	}
	jwk, err := NewJWK(is.HolderAlg, is.HolderKey)
	if err != nil {
		return "", err
	}
	sub := subject{ID: AccountDID(is.ChainID, is.Holder), SD: []string{}}
	var discs []string
	for _, c := range is.Claims {
		salt := make([]byte, MinSaltBytes)
		if _, err := io.ReadFull(salts, salt); err != nil {
			return "", err
		}
		d, err := NewDisclosure(base64.RawURLEncoding.EncodeToString(salt), c.Name, c.Value)
		if err != nil {
			return "", err
		}
		discs = append(discs, d.Encoded)
		sub.SD = append(sub.SD, Digest(d.Encoded))
	}
	sort.Strings(sub.SD)
	subj, _ := json.Marshal(sub)
	iss := DepartmentDID(is.ChainID, is.Issuer)
	p := Payload{Context: []string{VCContext}, Type: []string{"VerifiableCredential"}, Issuer: iss,
		ValidFrom: rfc3339(is.IssuedAt), CredentialSubject: subj, Iss: iss, Iat: is.IssuedAt, Vct: is.Type, SDAlg: SDAlg}
	p.Cnf.JWK = jwk
	if is.ValidUntil != 0 {
		p.ValidUntil, p.Exp = rfc3339(is.ValidUntil), is.ValidUntil
	}
	for _, st := range is.Status {
		if st.Purpose != PurposeRevocation && st.Purpose != PurposeSuspension || !ValidListID(st.List) {
			return "", fmt.Errorf("%w: status entry %+v", ErrMalformed, st)
		}
		u := StatusListURL(is.ChainID, is.Issuer, st.List)
		idx := strconv.FormatUint(st.Index, 10)
		p.CredentialStatus = append(p.CredentialStatus, StatusEntry{ID: u + "#" + idx, Type: "BitstringStatusListEntry",
			StatusPurpose: st.Purpose, StatusListIndex: idx, StatusListCredential: u})
	}
	jws, err := signJWS(s, TypVC, p)
	if err != nil {
		return "", err
	}
	out := &SDJWT{IssuerJWT: jws, Disclosures: discs}
	return out.WithoutKB(), nil
}

// KBPayload is the key-binding JWT's claims (RFC 9901 §4.3).
type KBPayload struct {
	Iat    int64  `json:"iat"`
	Aud    string `json:"aud"`
	Nonce  string `json:"nonce"`
	SDHash string `json:"sd_hash"`
}

// Present is the holder's step: keep the disclosures of the named claims
// only (all when names is nil), and append a key-binding JWT for aud and
// nonce at iat, signed with the holder's key.
func Present(credential string, names []string, holder Signer, aud, nonce string, iat int64) (string, error) {
	sd, err := Parse(credential)
	if err != nil {
		return "", err
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var kept []string
	for _, enc := range sd.Disclosures {
		d, _ := ParseDisclosure(enc)
		if names == nil || want[d.Name] {
			kept = append(kept, enc)
		}
	}
	sd.Disclosures, sd.KBJWT = kept, ""
	kb, err := signJWS(Signer{Key: holder.Key}, TypKB, KBPayload{Iat: iat, Aud: aud, Nonce: nonce, SDHash: sd.SDHash()})
	if err != nil {
		return "", err
	}
	sd.KBJWT = kb
	return sd.String(), nil
}

// Authority answers what a verifier must learn from the chain: x/identity
// (issuer keys and authorisations at a time, holders' keys) and
// x/credentials (status bits). Offline it reads proven state
// (credential/bundle); x/welfare reads its transaction's state.
type Authority interface {
	// Issued is the type and block time of the credential whose issuer
	// JWT has this digest, as dept registered it (x/credentials): the
	// issuance the chain saw.
	Issued(dept, digest string) (typ string, at int64, err error)
	// IssuerKey is the key kid of department dept in force at time at.
	IssuerKey(dept, kid string, at int64) (keyAlg string, pub []byte, err error)
	// Authorized fails unless dept was authorised to issue typ at time at.
	Authorized(dept, typ string, at int64) error
	// StatusBit is bit index of dept's status list, and the list's purpose.
	StatusBit(dept, list string, index uint64) (purpose string, set bool, err error)
	// HolderKey is the account's key now (a disabled account: an error).
	HolderKey(addr string) (keyAlg string, pub []byte, err error)
}

// Expect is what the verifier requires of a presentation.
type Expect struct {
	ChainID  string
	Audience string
	Nonce    string
	Now      int64 // the verifier's time, unix seconds
	MaxAge   int64 // how old the key binding may be, seconds (0: 300)
}

// Verified is what a presentation proved.
type Verified struct {
	Issuer      string                     `json:"issuer"` // department id
	Kid         string                     `json:"kid"`
	Type        string                     `json:"type"`
	Holder      string                     `json:"holder"`        // account address
	IssuedAt    int64                      `json:"issued_at"`     // iat: the issuer's word
	Registered  int64                      `json:"registered_at"` // the block time that registered it (x/credentials)
	ValidUntil  int64                      `json:"valid_until,omitempty"`
	Claims      map[string]json.RawMessage `json:"claims"` // the disclosed claims only
	Status      []StatusRef                `json:"status"`
	Audience    string                     `json:"audience"`
	Nonce       string                     `json:"nonce"`
	PresentedAt int64                      `json:"presented_at"`
	Payload     json.RawMessage            `json:"payload"` // the issuer-signed payload with the disclosed claims in place
}

// Verify checks a presentation completely: the issuer's signature with its
// key in force at issuance, the issuer's authorisation for the type at
// issuance, validity at e.Now, every disclosure against the digests
// signed, the holder binding (cnf.jwk is the holder account's key and
// signs the KB-JWT over exactly this SD-JWT, for e.Audience and e.Nonce,
// recently), and every status bit clear.
func Verify(presentation string, a Authority, e Expect) (*Verified, error) {
	sd, err := Parse(presentation)
	if err != nil {
		return nil, err
	}
	obj, h, raw, err := parseJWS(sd.IssuerJWT)
	if err != nil {
		return nil, err
	}
	if h.Typ != TypVC || h.Kid == "" {
		return nil, fmt.Errorf("%w: issuer JWT typ %q kid %q", ErrMalformed, h.Typ, h.Kid)
	}
	var p Payload
	if err := strictJSON(raw, &p); err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	if p.SDAlg != SDAlg || p.Iss != p.Issuer || !ValidType(p.Vct) || len(p.Context) == 0 || p.Context[0] != VCContext {
		return nil, fmt.Errorf("%w: payload: _sd_alg %q, iss, issuer, vct or @context", ErrMalformed, p.SDAlg)
	}
	iss, err := ParseDID(p.Iss)
	if err != nil || iss.Department == "" {
		return nil, fmt.Errorf("%w: issuer %q is not a department", ErrMalformed, truncate(p.Iss))
	}
	if iss.Chain != e.ChainID {
		return nil, fmt.Errorf("%w: %q, not %q", ErrChain, iss.Chain, e.ChainID)
	}
	// The issuance the chain registered, not the iat the issuer wrote.
	regType, at, err := a.Issued(iss.Department, Digest(sd.IssuerJWT))
	if err != nil {
		return nil, fmt.Errorf("%w: not registered on chain: %w", ErrIssuer, err)
	}
	if regType != p.Vct {
		return nil, fmt.Errorf("%w: registered as %q, the credential says %q", ErrIssuer, regType, p.Vct)
	}
	keyAlg, pub, err := a.IssuerKey(iss.Department, h.Kid, at)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSignature, err)
	}
	if want, _ := JWSAlg(keyAlg); want != h.Alg {
		return nil, fmt.Errorf("%w: alg %q with a %s key", ErrSignature, h.Alg, keyAlg)
	}
	if err := verifyJWS(obj, keyAlg, pub); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	if err := a.Authorized(iss.Department, p.Vct, at); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrIssuer, err)
	}
	if p.Iat > e.Now+60 || (p.Exp != 0 && e.Now >= p.Exp) {
		return nil, fmt.Errorf("%w: valid from %d until %d, now %d", ErrExpired, p.Iat, p.Exp, e.Now)
	}
	processed, err := Disclose(raw, sd.Disclosures)
	if err != nil {
		return nil, err
	}
	v := &Verified{Issuer: iss.Department, Kid: h.Kid, Type: p.Vct, IssuedAt: p.Iat, Registered: at, ValidUntil: p.Exp, Payload: processed}
	var full struct {
		CredentialSubject map[string]json.RawMessage `json:"credentialSubject"`
	}
	if err := json.Unmarshal(processed, &full); err != nil || full.CredentialSubject == nil {
		return nil, fmt.Errorf("%w: credentialSubject", ErrMalformed)
	}
	var subID string
	if err := json.Unmarshal(full.CredentialSubject["id"], &subID); err != nil {
		return nil, fmt.Errorf("%w: credentialSubject.id", ErrMalformed)
	}
	holder, err := ParseDID(subID)
	if err != nil || holder.Account == "" || holder.Chain != iss.Chain {
		return nil, fmt.Errorf("%w: subject %q is not an account of the chain", ErrMalformed, truncate(subID))
	}
	v.Holder = holder.Account
	delete(full.CredentialSubject, "id")
	v.Claims = full.CredentialSubject

	// Holder binding.
	cAlg, cPub, err := p.Cnf.JWK.Key()
	if err != nil {
		return nil, err
	}
	hAlg, hPub, err := a.HolderKey(holder.Account)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrHolder, err)
	}
	if hAlg != cAlg || !bytes.Equal(hPub, cPub) {
		return nil, fmt.Errorf("%w: cnf.jwk is not the holder account's key", ErrHolder)
	}
	if sd.KBJWT == "" {
		return nil, fmt.Errorf("%w: no key-binding JWT", ErrHolder)
	}
	kobj, kh, kraw, err := parseJWS(sd.KBJWT)
	if err != nil {
		return nil, err
	}
	if kh.Typ != TypKB {
		return nil, fmt.Errorf("%w: KB-JWT typ %q", ErrMalformed, kh.Typ)
	}
	if want, _ := JWSAlg(cAlg); want != kh.Alg {
		return nil, fmt.Errorf("%w: KB-JWT alg %q with a %s key", ErrHolder, kh.Alg, cAlg)
	}
	if err := verifyJWS(kobj, cAlg, cPub); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrHolder, err)
	}
	var kb KBPayload
	if err := strictJSON(kraw, &kb); err != nil {
		return nil, fmt.Errorf("%w: KB-JWT payload: %v", ErrMalformed, err)
	}
	if kb.SDHash != sd.SDHash() {
		return nil, fmt.Errorf("%w: sd_hash is not over this SD-JWT", ErrHolder)
	}
	if kb.Aud != e.Audience {
		return nil, fmt.Errorf("%w: %q", ErrAudience, truncate(kb.Aud))
	}
	if kb.Nonce != e.Nonce {
		return nil, fmt.Errorf("%w: %q", ErrNonce, truncate(kb.Nonce))
	}
	maxAge := e.MaxAge
	if maxAge == 0 {
		maxAge = 300
	}
	if kb.Iat > e.Now+60 || kb.Iat < e.Now-maxAge {
		return nil, fmt.Errorf("%w: iat %d, now %d", ErrStale, kb.Iat, e.Now)
	}
	v.Audience, v.Nonce, v.PresentedAt = kb.Aud, kb.Nonce, kb.Iat

	// Status.
	for _, st := range p.CredentialStatus {
		chain, dept, list, err := ParseStatusListURL(st.StatusListCredential)
		if err != nil {
			return nil, err
		}
		idx, err := strconv.ParseUint(st.StatusListIndex, 10, 64)
		if err != nil || strconv.FormatUint(idx, 10) != st.StatusListIndex || st.Type != "BitstringStatusListEntry" {
			return nil, fmt.Errorf("%w: status entry", ErrMalformed)
		}
		if chain != iss.Chain || dept != iss.Department {
			return nil, fmt.Errorf("%w: status list %q is not the issuer's", ErrMalformed, truncate(st.StatusListCredential))
		}
		purpose, set, err := a.StatusBit(dept, list, idx)
		if err != nil {
			return nil, err
		}
		if purpose != st.StatusPurpose {
			return nil, fmt.Errorf("%w: list %q is a %s list, the entry says %s", ErrMalformed, list, purpose, st.StatusPurpose)
		}
		if set && purpose == PurposeRevocation {
			return nil, fmt.Errorf("%w: %s index %d", ErrRevoked, list, idx)
		}
		if set {
			return nil, fmt.Errorf("%w: %s index %d", ErrSuspended, list, idx)
		}
		v.Status = append(v.Status, StatusRef{Purpose: purpose, List: list, Index: idx})
	}
	return v, nil
}

// UnverifiedPayload decodes the issuer JWT's payload without checking its
// signature: for finding which state a verifier needs (bundle.Needed).
func UnverifiedPayload(sd *SDJWT) (*Payload, error) {
	_, _, raw, err := parseJWS(sd.IssuerJWT)
	if err != nil {
		return nil, err
	}
	var p Payload
	if err := strictJSON(raw, &p); err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	return &p, nil
}
