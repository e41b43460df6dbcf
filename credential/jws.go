package credential

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/govchain/govchain/crypto"
)

// JWS algorithm names. EdDSA is RFC 8037's. SM2SM3 has no registered
// JOSE name; this chain defines it as crypto.AlgSM2: an SM2 signature
// (GB/T 32918.2) with SM3 over Z_A || signing input, user ID
// "1234567812345678", the JWS signature being r || s (64 bytes).
const (
	AlgEdDSA  = "EdDSA"
	AlgSM2SM3 = "SM2SM3"
)

var jwsAlgs = []jose.SignatureAlgorithm{jose.EdDSA, AlgSM2SM3}

// JWSAlg maps an account key algorithm to its JWS name.
func JWSAlg(keyAlg string) (string, error) {
	switch keyAlg {
	case crypto.AlgEd25519:
		return AlgEdDSA, nil
	case crypto.AlgSM2:
		return AlgSM2SM3, nil
	}
	return "", fmt.Errorf("%w: no JWS algorithm for key algorithm %q", ErrMalformed, keyAlg)
}

// KeyAlg maps a JWS algorithm name to the account key algorithm.
func KeyAlg(jwsAlg string) (string, error) {
	switch jwsAlg {
	case AlgEdDSA:
		return crypto.AlgEd25519, nil
	case AlgSM2SM3:
		return crypto.AlgSM2, nil
	}
	return "", fmt.Errorf("%w: JWS algorithm %q (EdDSA or SM2SM3)", ErrMalformed, jwsAlg)
}

// JWK is a public key as a JSON Web Key: Ed25519 as RFC 8037's OKP key,
// SM2 as an EC key on curve "SM2" (this chain's name; x and y 32 bytes
// each, base64url).
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y,omitempty"`
}

// NewJWK renders an account public key.
func NewJWK(keyAlg string, pub []byte) (JWK, error) {
	if err := crypto.CheckPublicKey(keyAlg, pub); err != nil {
		return JWK{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	if keyAlg == crypto.AlgSM2 {
		return JWK{Kty: "EC", Crv: "SM2", X: enc(pub[1:33]), Y: enc(pub[33:])}, nil
	}
	return JWK{Kty: "OKP", Crv: "Ed25519", X: enc(pub)}, nil
}

// Key returns the key algorithm and public key bytes of a JWK.
func (j JWK) Key() (string, []byte, error) {
	dec := base64.RawURLEncoding.Strict().DecodeString
	switch {
	case j.Kty == "OKP" && j.Crv == "Ed25519" && j.Y == "":
		pub, err := dec(j.X)
		if err != nil || crypto.CheckPublicKey(crypto.AlgEd25519, pub) != nil {
			return "", nil, fmt.Errorf("%w: Ed25519 JWK", ErrMalformed)
		}
		return crypto.AlgEd25519, pub, nil
	case j.Kty == "EC" && j.Crv == "SM2":
		x, err1 := dec(j.X)
		y, err2 := dec(j.Y)
		if err1 != nil || err2 != nil || len(x) != 32 || len(y) != 32 {
			return "", nil, fmt.Errorf("%w: SM2 JWK", ErrMalformed)
		}
		pub := append(append([]byte{4}, x...), y...)
		if crypto.CheckPublicKey(crypto.AlgSM2, pub) != nil {
			return "", nil, fmt.Errorf("%w: SM2 JWK is not on the curve", ErrMalformed)
		}
		return crypto.AlgSM2, pub, nil
	}
	return "", nil, fmt.Errorf("%w: JWK kty %q crv %q", ErrMalformed, j.Kty, j.Crv)
}

// Signer signs JWS: a govchain account key (issuer key or holder key).
type Signer struct {
	Key *crypto.PrivateKey
	Kid string // the issuer key's id in x/identity; empty for a holder
}

// opaque adapts crypto keys to go-jose, which frames and parses the JWS.
type opaque struct{ s Signer }

func (o opaque) Public() *jose.JSONWebKey { return nil }
func (o opaque) Algs() []jose.SignatureAlgorithm {
	a, _ := JWSAlg(o.s.Key.Algorithm)
	return []jose.SignatureAlgorithm{jose.SignatureAlgorithm(a)}
}
func (o opaque) SignPayload(payload []byte, _ jose.SignatureAlgorithm) ([]byte, error) {
	return o.s.Key.Sign(payload), nil
}

type opaqueVerifier struct {
	alg string
	pub []byte
}

func (v opaqueVerifier) VerifyPayload(payload, sig []byte, alg jose.SignatureAlgorithm) error {
	want, err := JWSAlg(v.alg)
	if err != nil {
		return err
	}
	if string(alg) != want {
		return fmt.Errorf("JWS alg %q with a %s key", alg, v.alg)
	}
	return crypto.Verify(v.alg, v.pub, payload, sig)
}

// signJWS signs payload (JSON) as a compact JWS with header typ (and kid).
func signJWS(s Signer, typ string, payload any) (string, error) {
	alg, err := JWSAlg(s.Key.Algorithm)
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return "", err
	}
	opts := (&jose.SignerOptions{}).WithType(jose.ContentType(typ))
	if s.Kid != "" {
		opts = opts.WithHeader("kid", s.Kid)
	}
	js, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg), Key: opaque{s}}, opts)
	if err != nil {
		return "", err
	}
	obj, err := js.Sign(body)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

// jwsHeader is what this layer reads of a JWS header.
type jwsHeader struct {
	Alg string
	Kid string
	Typ string
}

// parseJWS parses a compact JWS and returns its header and (unverified)
// payload.
func parseJWS(s string) (*jose.JSONWebSignature, jwsHeader, []byte, error) {
	obj, err := jose.ParseSignedCompact(s, jwsAlgs)
	if err != nil {
		return nil, jwsHeader{}, nil, fmt.Errorf("%w: JWS: %v", ErrMalformed, err)
	}
	if len(obj.Signatures) != 1 {
		return nil, jwsHeader{}, nil, fmt.Errorf("%w: JWS with %d signatures", ErrMalformed, len(obj.Signatures))
	}
	h := obj.Signatures[0].Protected
	typ, _ := h.ExtraHeaders[jose.HeaderType].(string)
	return obj, jwsHeader{Alg: h.Algorithm, Kid: h.KeyID, Typ: typ}, obj.UnsafePayloadWithoutVerification(), nil
}

// verifyJWS checks obj's signature with a key of algorithm keyAlg.
func verifyJWS(obj *jose.JSONWebSignature, keyAlg string, pub []byte) error {
	_, err := obj.Verify(opaqueVerifier{keyAlg, pub})
	return err
}
