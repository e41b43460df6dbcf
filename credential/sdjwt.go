// Package credential is govchain's thin SD-JWT layer (RFC 9901) and its
// W3C Verifiable Credentials 2.0 profile: salted disclosures and their
// "_sd" digests (hash alg sha-256), issuer-signed JWTs, key-binding JWTs
// with sd_hash, nonce, aud and iat, verification of a presentation
// against an Authority (issuer keys, issuer authorisation, status list
// bits and holder keys: read from chain state by x/welfare, from proven
// state by credential/bundle), Bitstring Status List encoding and
// did:govchain identifiers and DID documents.
//
// JWS framing and parsing are go-jose's (github.com/go-jose/go-jose/v4);
// signatures are crypto's: EdDSA (Ed25519) and SM2SM3, this chain's name
// for SM2 with SM3 (docs/credentials.md).
//
// It is pure (no clock: callers pass the time; no I/O, no randomness
// except the salts Issue draws from the reader it is given) and must
// not import api, node, net/http, CometBFT's node packages or any x/
// module (deps_test.go): the modules import it.
package credential

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Errors. Every failure wraps one of them.
var (
	ErrMalformed    = errors.New("credential: malformed")
	ErrSignature    = errors.New("credential: issuer signature does not verify")
	ErrDisclosure   = errors.New("credential: disclosure does not match the credential")
	ErrHolder       = errors.New("credential: key binding does not verify with the holder's key")
	ErrAudience     = errors.New("credential: presented to another audience")
	ErrNonce        = errors.New("credential: nonce is not the verifier's")
	ErrStale        = errors.New("credential: key binding is too old or from the future")
	ErrExpired      = errors.New("credential: not valid at this time")
	ErrIssuer       = errors.New("credential: issuer not authorised for the credential type at issuance")
	ErrRevoked      = errors.New("credential: revoked")
	ErrSuspended    = errors.New("credential: suspended")
	ErrChain        = errors.New("credential: issued on another chain")
	ErrUnknownState = errors.New("credential: state needed to verify is missing")
)

// Size bounds (the parser refuses more).
const (
	MaxSDJWT       = 64 << 10 // a whole presentation
	MaxDisclosures = 64
	MaxDisclosure  = 4 << 10
	MinSaltBytes   = 16 // 128 bits, as RFC 9901 recommends
)

// SDAlg is the one digest algorithm this layer uses and accepts.
const SDAlg = "sha-256"

// Disclosure is one salted claim: [salt, name, value] for an object
// property (RFC 9901 §4.2.1), or [salt, value] for an array element
// (Name empty, Element set).
type Disclosure struct {
	Encoded string // base64url without padding, as it travels
	Salt    string
	Name    string
	Value   json.RawMessage
	Element bool
}

// NewDisclosure encodes a property disclosure: base64url (no padding) of
// the UTF-8 JSON array [salt, name, value].
func NewDisclosure(salt, name string, value any) (*Disclosure, error) {
	v, err := json.Marshal(value)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal([]any{salt, name, json.RawMessage(v)})
	if err != nil {
		return nil, err
	}
	return &Disclosure{Encoded: base64.RawURLEncoding.EncodeToString(b), Salt: salt, Name: name, Value: v}, nil
}

// Digest is the "_sd" digest of an encoded disclosure (RFC 9901 §4.2.3):
// base64url, no padding, of SHA-256 over its ASCII characters.
func Digest(encoded string) string {
	h := sha256.Sum256([]byte(encoded))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// ValidDigest reports whether d has the form of a SHA-256 digest: 43
// base64url characters decoding to 32 bytes.
func ValidDigest(d string) bool {
	if len(d) != 43 {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(d)
	return err == nil && len(b) == 32
}

// ParseDisclosure decodes a disclosure strictly: base64url without
// padding, a JSON array of 2 or 3 elements, a string salt, a string name
// that is not "_sd" or "...".
func ParseDisclosure(s string) (*Disclosure, error) {
	if s == "" || len(s) > MaxDisclosure {
		return nil, fmt.Errorf("%w: disclosure of %d bytes", ErrMalformed, len(s))
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: disclosure is not base64url: %v", ErrMalformed, err)
	}
	if !utf8.Valid(b) {
		return nil, fmt.Errorf("%w: disclosure is not UTF-8", ErrMalformed)
	}
	var arr []json.RawMessage
	if err := strictJSON(b, &arr); err != nil {
		return nil, fmt.Errorf("%w: disclosure: %v", ErrMalformed, err)
	}
	d := &Disclosure{Encoded: s}
	switch len(arr) {
	case 2:
		d.Element = true
		d.Value = arr[1]
	case 3:
		if err := json.Unmarshal(arr[1], &d.Name); err != nil {
			return nil, fmt.Errorf("%w: disclosure claim name is not a string", ErrMalformed)
		}
		if d.Name == "_sd" || d.Name == "..." || d.Name == "" {
			return nil, fmt.Errorf("%w: disclosure claim name %q", ErrMalformed, d.Name)
		}
		d.Value = arr[2]
	default:
		return nil, fmt.Errorf("%w: disclosure has %d elements", ErrMalformed, len(arr))
	}
	if err := json.Unmarshal(arr[0], &d.Salt); err != nil || d.Salt == "" {
		return nil, fmt.Errorf("%w: disclosure salt is not a string", ErrMalformed)
	}
	return d, nil
}

// strictJSON decodes one JSON value with nothing after it.
func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	var extra json.RawMessage
	if dec.Decode(&extra) == nil {
		return errors.New("trailing data")
	}
	return nil
}

// SDJWT is an SD-JWT in its compact form (RFC 9901 §4):
// <issuer JWT>~<disclosure>~...~<KB-JWT or nothing>.
type SDJWT struct {
	IssuerJWT   string
	Disclosures []string
	KBJWT       string // empty: no key binding
}

// Parse splits an SD-JWT (or SD-JWT+KB) into its parts and checks their
// form; signatures are checked by Verify.
func Parse(s string) (*SDJWT, error) {
	if len(s) > MaxSDJWT {
		return nil, fmt.Errorf("%w: %d bytes (at most %d)", ErrMalformed, len(s), MaxSDJWT)
	}
	parts := strings.Split(s, "~")
	if len(parts) < 2 {
		return nil, fmt.Errorf("%w: no '~' separator", ErrMalformed)
	}
	if len(parts)-2 > MaxDisclosures {
		return nil, fmt.Errorf("%w: %d disclosures (at most %d)", ErrMalformed, len(parts)-2, MaxDisclosures)
	}
	out := &SDJWT{IssuerJWT: parts[0], KBJWT: parts[len(parts)-1]}
	if !compactJWS(out.IssuerJWT) {
		return nil, fmt.Errorf("%w: issuer JWT is not a compact JWS", ErrMalformed)
	}
	if out.KBJWT != "" && !compactJWS(out.KBJWT) {
		return nil, fmt.Errorf("%w: key-binding JWT is not a compact JWS", ErrMalformed)
	}
	for _, d := range parts[1 : len(parts)-1] {
		if _, err := ParseDisclosure(d); err != nil {
			return nil, err
		}
		out.Disclosures = append(out.Disclosures, d)
	}
	return out, nil
}

// compactJWS: three base64url segments, the middle one may not be empty.
func compactJWS(s string) bool {
	segs := strings.Split(s, ".")
	if len(segs) != 3 || segs[0] == "" || segs[1] == "" || segs[2] == "" {
		return false
	}
	for _, seg := range segs {
		if _, err := base64.RawURLEncoding.Strict().DecodeString(seg); err != nil {
			return false
		}
	}
	return true
}

// WithoutKB is the SD-JWT without key binding: what the holder receives
// and what sd_hash covers (RFC 9901 §4.3.1): the issuer JWT and each
// disclosure, each followed by '~'.
func (s *SDJWT) WithoutKB() string {
	var b strings.Builder
	b.WriteString(s.IssuerJWT)
	b.WriteByte('~')
	for _, d := range s.Disclosures {
		b.WriteString(d)
		b.WriteByte('~')
	}
	return b.String()
}

// String is the compact form.
func (s *SDJWT) String() string { return s.WithoutKB() + s.KBJWT }

// SDHash is the KB-JWT's sd_hash over the presented SD-JWT.
func (s *SDJWT) SDHash() string { return Digest(s.WithoutKB()) }
