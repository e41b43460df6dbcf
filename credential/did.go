package credential

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
)

// DIDMethod is the prefix of this chain's DIDs: did:govchain:<chain>:<id>,
// where <id> is an account address (40 lower-case hex digits) or a
// department id (2-32 of a-z, 0-9 and '-', starting with a letter; never
// 40 characters long, so the two cannot be confused).
const DIDMethod = "did:govchain:"

var (
	chainRe   = regexp.MustCompile(`^[A-Za-z0-9._-]{1,50}$`)
	accountRe = regexp.MustCompile(`^[0-9a-f]{40}$`)
	deptRe    = regexp.MustCompile(`^[a-z][a-z0-9-]{1,31}$`)
	listRe    = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)
	typeRe    = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
)

// ValidType reports whether t is a credential type name: 1-32 of a-z, 0-9
// and '_', starting with a letter (residency, low_income, degree).
func ValidType(t string) bool { return typeRe.MatchString(t) }

// ValidListID reports whether id names a status list: 1-32 of a-z, 0-9,
// '_' and '-'.
func ValidListID(id string) bool { return listRe.MatchString(id) }

// AccountDID is the DID of an account.
func AccountDID(chain, addr string) string { return DIDMethod + chain + ":" + addr }

// DepartmentDID is the DID of a department.
func DepartmentDID(chain, dept string) string { return DIDMethod + chain + ":" + dept }

// DID is a parsed did:govchain identifier.
type DID struct {
	Chain      string
	Account    string // an account address, or
	Department string // a department id
}

// ParseDID parses did:govchain:<chain>:<id> (no path, query or fragment).
func ParseDID(s string) (DID, error) {
	rest, ok := strings.CutPrefix(s, DIDMethod)
	i := strings.LastIndexByte(rest, ':')
	if !ok || i < 0 || !chainRe.MatchString(rest[:i]) {
		return DID{}, fmt.Errorf("%w: %q is not a did:govchain:<chain>:<id>", ErrMalformed, truncate(s))
	}
	d := DID{Chain: rest[:i]}
	switch id := rest[i+1:]; {
	case accountRe.MatchString(id):
		d.Account = id
	case deptRe.MatchString(id):
		d.Department = id
	default:
		return DID{}, fmt.Errorf("%w: %q is neither an account nor a department id", ErrMalformed, truncate(id))
	}
	return d, nil
}

// StatusListURL names a status list of a department:
// did:govchain:<chain>:<dept>/status/<list> (a DID URL with a path).
func StatusListURL(chain, dept, list string) string {
	return DepartmentDID(chain, dept) + "/status/" + list
}

// ParseStatusListURL splits a status list URL.
func ParseStatusListURL(s string) (chain, dept, list string, err error) {
	did, list, ok := strings.Cut(s, "/status/")
	if !ok || !ValidListID(list) {
		return "", "", "", fmt.Errorf("%w: status list %q", ErrMalformed, truncate(s))
	}
	d, err := ParseDID(did)
	if err != nil || d.Department == "" {
		return "", "", "", fmt.Errorf("%w: status list %q is not a department's", ErrMalformed, truncate(s))
	}
	return d.Chain, d.Department, list, nil
}

// DIDDocument is a DID document (W3C DID 1.0) with JsonWebKey
// verification methods.
type DIDDocument struct {
	Context            []string             `json:"@context"`
	ID                 string               `json:"id"`
	Controller         string               `json:"controller,omitempty"`
	VerificationMethod []VerificationMethod `json:"verificationMethod"`
	Authentication     []string             `json:"authentication,omitempty"`
	AssertionMethod    []string             `json:"assertionMethod,omitempty"`
}

// VerificationMethod is one key of a DID document.
type VerificationMethod struct {
	ID           string `json:"id"`
	Type         string `json:"type"`
	Controller   string `json:"controller"`
	PublicKeyJwk JWK    `json:"publicKeyJwk"`
}

var didContext = []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"}

// AccountDocument is an account's DID document: its current key, for
// authentication (a citizen's key binds its credentials), controlled by
// its department.
func AccountDocument(chain, addr, dept, keyAlg string, pub []byte) (*DIDDocument, error) {
	jwk, err := NewJWK(keyAlg, pub)
	if err != nil {
		return nil, err
	}
	id := AccountDID(chain, addr)
	vm := VerificationMethod{ID: id + "#key-1", Type: "JsonWebKey", Controller: id, PublicKeyJwk: jwk}
	doc := &DIDDocument{Context: didContext, ID: id, VerificationMethod: []VerificationMethod{vm},
		Authentication: []string{vm.ID}}
	if dept != "" {
		doc.Controller = DepartmentDID(chain, dept)
	}
	return doc, nil
}

// IssuerKeyRef is an issuer key a DID document lists.
type IssuerKeyRef struct {
	Kid    string
	KeyAlg string
	Pub    []byte
}

// DepartmentDocument is a department's DID document: its issuer keys in
// force, as assertion methods (#<kid>).
func DepartmentDocument(chain, dept string, keys []IssuerKeyRef) (*DIDDocument, error) {
	id := DepartmentDID(chain, dept)
	doc := &DIDDocument{Context: didContext, ID: id, VerificationMethod: []VerificationMethod{}}
	for _, k := range keys {
		jwk, err := NewJWK(k.KeyAlg, k.Pub)
		if err != nil {
			return nil, err
		}
		vm := VerificationMethod{ID: id + "#" + k.Kid, Type: "JsonWebKey", Controller: id, PublicKeyJwk: jwk}
		doc.VerificationMethod = append(doc.VerificationMethod, vm)
		doc.AssertionMethod = append(doc.AssertionMethod, vm.ID)
	}
	return doc, nil
}

// Bitstring Status List (W3C): bit i is the (i mod 8)-th most significant
// bit of byte i/8, so index 0 is the leftmost bit.

// MinStatusListBits is the W3C recommended minimum list length (16 KiB),
// for herd privacy.
const MinStatusListBits = 131072

// BitAt reports bit i of a bitstring (false beyond its end).
func BitAt(bits []byte, i uint64) bool {
	if i/8 >= uint64(len(bits)) {
		return false
	}
	return bits[i/8]&(0x80>>(i%8)) != 0
}

// SetBit sets or clears bit i (which must be in range).
func SetBit(bits []byte, i uint64, v bool) {
	if v {
		bits[i/8] |= 0x80 >> (i % 8)
	} else {
		bits[i/8] &^= 0x80 >> (i % 8)
	}
}

// EncodeStatusList is the encodedList of a Bitstring Status List
// credential: the multibase base64url (no padding, prefix 'u') of the
// GZIP-compressed bitstring.
func EncodeStatusList(bits []byte) string {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(bits)
	w.Close()
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
